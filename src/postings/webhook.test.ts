import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './webhook';

const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const at = new Date('2026-03-02T10:00:00.000Z');
const body = JSON.stringify({ postings: [{ id: 'job-1', title: 'Kehittäjä – Åbo' }] });

describe('signWebhook', () => {
  it('signs as the Standard Webhooks reference library does', async () => {
    const headers = await signWebhook({ secret, id: 'msg_1', body, at });
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(at.getTime() / 1000));
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('makes deliveries that verifyWebhook accepts, and only unchanged ones', async () => {
    const headers = await signWebhook({ secret, id: 'msg_2', body, at });
    const signed = {
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
    };
    await expect(verifyWebhook({ secret, headers: signed, body, now: at })).resolves.toBe('msg_2');
    await expect(
      verifyWebhook({ secret, headers: signed, body: body.replace('job-1', 'job-2'), now: at }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

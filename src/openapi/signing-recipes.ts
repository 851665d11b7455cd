/** How a sender signs a delivery to the match webhook, in a shell and in Node (for /docs). */
export function signingRecipes(baseUrl: string): { title: string; code: string }[] {
  return [
    {
      title: 'curl and openssl',
      code: `SECRET=whsec_...   # POSTINGS_WEBHOOK_SECRET
BODY='{"postings":[{"id":"job-1","title":"Ohjelmistokehittäjä","url":"https://jobs.example.org/1","publishedAt":"2026-03-02T10:00:00Z","municipalities":["091"],"language":"fi"}]}'
ID=msg_$(date +%s%N); TS=$(date +%s)
KEY=$(printf '%s' "\${SECRET#whsec_}" | base64 -d | xxd -p -c 256)
SIG=$(printf '%s' "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary | base64)
curl -s -X POST ${baseUrl}/v1/postings -H 'content-type: application/json' \\
  -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIG" \\
  --data-binary "$BODY"
# → {"received":1,"new":1,"updated":0,"matched":0}`,
    },
    {
      title: 'Node (18 or later), no library',
      code: `import { createHmac, randomUUID } from 'node:crypto';

const secret = 'whsec_...'; // POSTINGS_WEBHOOK_SECRET, from your secret store
const body = JSON.stringify({ postings: [/* postings */] });
const id = \`msg_\${randomUUID()}\`; // keep it when retrying the same delivery
const timestamp = Math.floor(Date.now() / 1000).toString();
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
const signature = createHmac('sha256', key).update(\`\${id}.\${timestamp}.\${body}\`).digest('base64');

const response = await fetch('${baseUrl}/v1/postings', {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': \`v1,\${signature}\`,
  },
  body,
});
if (!response.ok) throw new Error(\`\${response.status}: \${await response.text()}\`);`,
    },
    {
      title: 'Node with the reference library (standardwebhooks)',
      code: `import { Webhook } from 'standardwebhooks';

const signature = new Webhook(secret).sign(id, new Date(), body); // "v1,..."`,
    },
  ];
}

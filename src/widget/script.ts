import type { Locale } from '../db/schema';
import type { WidgetStrings } from './strings';

export interface WidgetSettings {
  /** where the form posts: PUBLIC_BASE_URL + /v1/alerts */
  subscribeUrl: string;
  /** the widget's stylesheet on our origin, versioned so that it may be cached for long */
  stylesheetUrl: string;
  termsUrl?: string;
  termsVersion: string;
  strings: Record<Locale, WidgetStrings>;
}

/**
 * The browser script served as /widget.js, as text. It is kept as a string, not as a function's
 * `toString()`: tsx and esbuild (keepNames) wrap functions in `__name(...)` helpers that do not
 * exist in the browser. Plain ES2017, no dependencies; it never uses innerHTML, eval or style
 * attributes, so it runs under a host page's strict CSP that allows our origin.
 */
export function widgetScript(settings: WidgetSettings): string {
  return source.replace('__SETTINGS__', () => JSON.stringify(settings));
}

const source = String.raw`/* Työpaikkavahti widget: <job-alert-form> or <script src=".../widget.js" data-criteria="..."> */
(function () {
  'use strict';
  var settings = __SETTINGS__;
  var TAG = 'job-alert-form';
  var LOCALES = ['fi', 'sv', 'en'];
  var FREQUENCIES = ['daily', 'weekly', 'immediate'];
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  var script = document.currentScript;
  var counter = 0;

  function h(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === true) node.setAttribute(name, '');
      else if (value !== false && value !== undefined && value !== null) node.setAttribute(name, String(value));
    });
    (children || []).forEach(function (child) {
      if (child !== undefined && child !== null && child !== false) node.append(child);
    });
    return node;
  }

  function pick(value, allowed, fallback) {
    var chosen = String(value || '').trim().toLowerCase();
    return allowed.indexOf(chosen) >= 0 ? chosen : fallback;
  }

  // The field a refusal's path names (the longest one it starts with), in the page's words.
  function fieldProblem(t, path) {
    var best = '';
    Object.keys(t.fieldProblems).forEach(function (name) {
      var within = path === name || path.indexOf(name + '.') === 0;
      if (within && name.length > best.length) best = name;
    });
    return best ? t.fieldProblems[best] : null;
  }

  function criteriaOf(element) {
    try {
      var criteria = JSON.parse(element.getAttribute('criteria') || 'null');
      return criteria && typeof criteria === 'object' && !Array.isArray(criteria) ? criteria : null;
    } catch (error) {
      return null;
    }
  }

  function searchUrlOf(element) {
    var url = element.getAttribute('search-url') || window.location.href;
    return /^https?:/i.test(url) && url.length <= 2000 ? url : undefined;
  }

  class JobAlertForm extends HTMLElement {
    static get observedAttributes() {
      return ['label', 'locale'];
    }

    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this.state = 'editing';
      this.busy = false;
    }

    connectedCallback() {
      if (!this.form) this.render();
    }

    attributeChangedCallback() {
      if (this.form && this.state === 'editing') this.render();
    }

    get locale() {
      // The host's attribute if it names a language of ours, else the page's own language.
      var page = pick(String(document.documentElement.lang || '').slice(0, 2), LOCALES, 'fi');
      return pick(String(this.getAttribute('locale') || '').slice(0, 2), LOCALES, page);
    }

    render() {
      var self = this;
      var root = this.shadowRoot;
      var t = settings.strings[this.locale];
      var id = 'job-alert-' + ++counter + '-';
      var previous = this.form;
      var frequency = previous
        ? previous.elements.frequency.value
        : pick(this.getAttribute('frequency'), FREQUENCIES, 'daily');
      var label = (this.getAttribute('label') || '').trim();

      if (!this.box) {
        this.box = h('div', { class: 'box', lang: this.locale, hidden: true });
        var stylesheet = h('link', { rel: 'stylesheet', href: settings.stylesheetUrl });
        // Shown once our stylesheet has loaded (or failed to), so it never flashes unstyled.
        var show = function () {
          self.box.hidden = false;
        };
        stylesheet.addEventListener('load', show);
        stylesheet.addEventListener('error', show);
        root.append(stylesheet, this.box);
      }
      this.box.setAttribute('lang', this.locale);

      this.email = h('input', {
        id: id + 'email',
        class: 'email',
        type: 'email',
        name: 'email',
        autocomplete: 'email',
        required: true,
        spellcheck: 'false',
      });
      this.terms = h('input', { id: id + 'terms', type: 'checkbox', name: 'acceptTerms', required: true });
      this.honeypot = h('input', { id: id + 'website', type: 'text', name: 'website', tabindex: '-1', autocomplete: 'off' });
      this.button = h('button', { type: 'submit' }, [t.submit]);
      this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
      this.errors = {
        email: h('p', { id: id + 'email-error', class: 'error', hidden: true }),
        terms: h('p', { id: id + 'terms-error', class: 'error', hidden: true }),
      };
      if (previous) {
        this.email.value = previous.elements.email.value;
        this.terms.checked = previous.elements.acceptTerms.checked;
      }

      var choices = FREQUENCIES.map(function (value) {
        return h('label', { class: 'choice' }, [
          h('input', { type: 'radio', name: 'frequency', value: value, checked: value === frequency }),
          t.frequency[value],
        ]);
      });

      this.fields = h('div', { class: 'fields' }, [
        h('p', { class: 'lead' }, [t.lead]),
        label && h('p', { class: 'search' }, [t.labelHeading + ': ', h('strong', {}, [label])]),
        h('div', { class: 'field' }, [
          h('label', { class: 'text', for: id + 'email' }, [t.emailLabel]),
          this.email,
          this.errors.email,
        ]),
        h('fieldset', {}, [h('legend', {}, [t.frequencyLegend]), h('div', { class: 'choices' }, choices)]),
        h('div', { class: 'field' }, [
          h('label', { class: 'choice' }, [this.terms, t.termsLabel]),
          settings.termsUrl &&
            h('a', { class: 'terms', href: settings.termsUrl, target: '_blank', rel: 'noopener' }, [t.termsLink]),
          this.errors.terms,
        ]),
        // The honeypot: people never see it, form-filling bots do; the API ignores such a request.
        h('div', { hidden: true }, [h('label', { for: id + 'website' }, [t.honeypotLabel]), this.honeypot]),
        this.button,
      ]);

      this.form = h('form', { novalidate: true, 'aria-labelledby': id + 'title' }, [
        h('p', { id: id + 'title', class: 'title' }, [t.title]),
        this.fields,
        this.status,
      ]);
      this.form.addEventListener('submit', function (event) {
        event.preventDefault();
        self.submit();
      });
      this.box.replaceChildren(this.form);
    }

    showFieldError(field, message) {
      var input = field === 'email' ? this.email : this.terms;
      var error = this.errors[field];
      error.replaceChildren(message);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', error.id);
    }

    clearErrors() {
      var self = this;
      ['email', 'terms'].forEach(function (field) {
        var input = field === 'email' ? self.email : self.terms;
        self.errors[field].hidden = true;
        self.errors[field].replaceChildren();
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      });
      this.setStatus('', '');
    }

    setStatus(kind, content) {
      this.status.className = 'status' + (kind ? ' ' + kind : '');
      this.status.replaceChildren.apply(this.status, content ? [].concat(content) : []);
    }

    /** Marks the fields the answer names; anything else is listed in the status. */
    showProblems(details) {
      var t = settings.strings[this.locale];
      var others = [];
      var said = [];
      var first = null;
      var self = this;
      details.forEach(function (detail) {
        var path = String(detail.path || '');
        if (path === 'email') {
          self.showFieldError('email', self.email.value.trim() ? t.emailInvalid : t.emailMissing);
          first = first || self.email;
        } else if (path === 'acceptTerms') {
          self.showFieldError('terms', t.termsMissing);
          first = first || self.terms;
        } else {
          var known = fieldProblem(t, path);
          if (known && said.indexOf(known) < 0) others.push(h('li', {}, [known]));
          if (known) said.push(known);
          else others.push(h('li', { lang: 'en' }, [h('code', {}, [path || '-']), ': ' + String(detail.message || '')]));
        }
      });
      if (others.length > 0) {
        this.setStatus('failure', [h('p', {}, [t.searchInvalid]), h('ul', {}, others)]);
      } else {
        this.setStatus('failure', [h('p', {}, [t.checkFields])]);
      }
      if (first) first.focus();
    }

    submit() {
      if (this.busy) return;
      var self = this;
      var t = settings.strings[this.locale];
      this.clearErrors();
      var email = this.email.value.trim();
      var problems = false;
      if (!email || !EMAIL.test(email)) {
        this.showFieldError('email', email ? t.emailInvalid : t.emailMissing);
        problems = true;
      }
      if (!this.terms.checked) {
        this.showFieldError('terms', t.termsMissing);
        problems = true;
      }
      var criteria = criteriaOf(this);
      if (!criteria) {
        this.setStatus('failure', [h('p', {}, [t.searchInvalid]), h('ul', {}, [h('li', { lang: 'en' }, [h('code', {}, ['criteria']), ': the criteria attribute must hold a JSON object'])])]);
        return;
      }
      if (problems) {
        this.setStatus('failure', [h('p', {}, [t.checkFields])]);
        (this.email.getAttribute('aria-invalid') ? this.email : this.terms).focus();
        return;
      }

      var body = {
        email: email,
        locale: this.locale,
        criteria: criteria,
        frequency: this.form.elements.frequency.value || 'daily',
        acceptTerms: true,
        termsVersion: settings.termsVersion,
      };
      var label = (this.getAttribute('label') || '').trim();
      if (label) body.label = label;
      var searchUrl = searchUrlOf(this);
      if (searchUrl) body.searchUrl = searchUrl;
      if (this.honeypot.value) body.website = this.honeypot.value;

      this.busy = true;
      this.button.setAttribute('aria-disabled', 'true');
      this.setStatus('', [h('p', {}, [t.sending])]);
      fetch(settings.subscribeUrl, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (answer) {
              self.answered(response, answer);
            });
        })
        .catch(function () {
          self.setStatus('failure', [h('p', {}, [t.network])]);
        })
        .then(function () {
          self.busy = false;
          self.button.removeAttribute('aria-disabled');
        });
    }

    answered(response, answer) {
      var t = settings.strings[this.locale];
      if (response.status === 202) {
        this.state = 'done';
        this.fields.hidden = true;
        this.setStatus('success', [h('p', { class: 'heading' }, [t.successTitle]), h('p', {}, [t.successLead])]);
        this.status.focus();
        this.dispatchEvent(new CustomEvent('job-alert-subscribed', { bubbles: true, composed: true }));
        return;
      }
      if (response.status === 422 && answer && answer.error && Array.isArray(answer.error.details)) {
        this.showProblems(answer.error.details);
        return;
      }
      if (response.status === 429) {
        var seconds = Number(response.headers.get('Retry-After')) || 600;
        var minutes = Math.max(1, Math.ceil(seconds / 60));
        var wait = minutes === 1 ? t.rateLimited.one : t.rateLimited.other.replace('{minutes}', String(minutes));
        this.setStatus('failure', [h('p', {}, [wait])]);
        return;
      }
      this.setStatus('failure', [h('p', {}, [t.failed])]);
    }
  }

  if (!window.customElements.get(TAG)) window.customElements.define(TAG, JobAlertForm);

  // Script-tag mode: <script src=".../widget.js" data-criteria='{...}' data-label="..." [data-target="#id"]>
  if (script && script.hasAttribute('data-criteria')) {
    var element = document.createElement(TAG);
    [['criteria', 'data-criteria'], ['label', 'data-label'], ['search-url', 'data-search-url'],
      ['locale', 'data-locale'], ['frequency', 'data-frequency']].forEach(function (pair) {
      if (script.hasAttribute(pair[1])) element.setAttribute(pair[0], script.getAttribute(pair[1]));
    });
    var target = script.getAttribute('data-target');
    // Into the target, or right after the script tag when there is none (or it matches nothing).
    var place = function () {
      var host = null;
      try {
        host = target ? document.querySelector(target) : null;
      } catch (error) {
        // not a selector: the form goes after the tag
      }
      if (host) host.append(element);
      else script.after(element);
    };
    if (target && document.readyState === 'loading') document.addEventListener('DOMContentLoaded', place);
    else place();
  }
})();
`;

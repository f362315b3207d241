// Browser code: the comment form, used for new comments and for replies. Whatever goes
// wrong, the text typed stays in the form: it is cleared only after a 202.
import { type Api, ApiFailure, type FieldError, type PublicComment } from './api';
import { append, h, uid } from './dom';
import type { Translate } from './i18n';
import { type Identity, loadIdentity, loadProof, saveIdentity } from './store';

export interface FormContext {
  api: Api;
  /** The site key: the author proof kept for this site goes with each comment. */
  site: string;
  t: Translate;
  maxLength: number;
  page: { pageId: string; pageUrl?: string; pageTitle?: string };
  /** The name/email/website last used in this page (remembered or not), to prefill forms. */
  identity?: Identity;
  posted(comment: PublicComment, authorToken: string, form: CommentForm): void;
}

type Field = 'name' | 'email' | 'website' | 'text';

export class CommentForm {
  readonly el: HTMLFormElement;
  private readonly inputs: Record<Field, HTMLInputElement | HTMLTextAreaElement>;
  private readonly errors = {} as Record<Field, HTMLElement>;
  private readonly general: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly remember: HTMLInputElement;
  /** "Notify me of replies by email": off by default, asked for each comment. */
  private readonly notify: HTMLInputElement;
  private readonly honeypot: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private formToken: Promise<string | undefined>;
  private busy = false;

  constructor(
    private readonly ctx: FormContext,
    readonly parent?: { id: string; name: string },
    cancel?: () => void,
  ) {
    const { t } = ctx;
    const titleId = uid();
    const field = (name: Field, label: string, control: HTMLInputElement | HTMLTextAreaElement, note?: HTMLElement) => {
      const id = uid();
      control.id = id;
      control.name = name;
      this.errors[name] = h('p', { class: 'er', id: `${id}-e` });
      control.setAttribute('aria-describedby', `${note ? `${note.id} ` : ''}${id}-e`);
      return h('div', { class: 'fl' }, h('label', { class: 'lb', for: id }, label), control, note, this.errors[name]);
    };
    const textNote = h('p', { class: 'nt', id: uid() }, t('textNote'));
    const remembered = loadIdentity();
    const known = ctx.identity ?? remembered;
    this.inputs = {
      name: h('input', { autocomplete: 'name', maxlength: 80, required: true }),
      email: h('input', { type: 'email', autocomplete: 'email', required: true }),
      website: h('input', { type: 'url', autocomplete: 'url', inputmode: 'url', placeholder: 'https://' }),
      text: h('textarea', { rows: parent ? 3 : 5, required: true }),
    };
    this.inputs.name.value = known?.name ?? '';
    this.inputs.email.value = known?.email ?? '';
    this.inputs.website.value = known?.website ?? '';
    this.counter = h('p', { class: 'cnt', id: uid() });
    this.remember = h('input', { type: 'checkbox', id: uid() });
    this.remember.checked = !!remembered;
    this.notify = h('input', { type: 'checkbox', id: uid(), name: 'notifyReplies' });
    // The honeypot: off-screen, out of the tab order and hidden from assistive technology.
    this.honeypot = h('input', { name: 'hp', tabindex: -1, autocomplete: 'off' });
    this.general = h('p', { class: 'ge', role: 'alert' });
    this.button = h('button', { type: 'submit', class: 'bt' }, t(parent ? 'submitReply' : 'submit'));

    this.el = h(
      'form',
      { class: parent ? 'f rf' : 'f', novalidate: true, 'aria-labelledby': titleId, id: uid() },
      h('p', { class: 'ft', id: titleId }, parent ? t('replyTo', { name: parent.name }) : t('formTitle')),
      this.general,
      h(
        'div',
        { class: 'ids' },
        field('name', t('name'), this.inputs.name),
        field('email', t('email'), this.inputs.email, h('p', { class: 'nt', id: uid() }, t('emailNote'))),
        field('website', t('website'), this.inputs.website),
      ),
      field('text', t('text'), this.inputs.text),
      h('div', { class: 'row sp' }, textNote, this.counter),
      h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', null, t('honeypot'), this.honeypot)),
      h('label', { class: 'ck', for: this.remember.id }, this.remember, t('remember')),
      h('label', { class: 'ck', for: this.notify.id }, this.notify, t('notifyReplies')),
      h(
        'div',
        { class: 'row' },
        this.button,
        cancel && h('button', { type: 'button', class: 'lk', onclick: () => cancel() }, t('cancel')),
      ),
    );
    this.inputs.text.setAttribute('aria-describedby', `${textNote.id} ${this.counter.id} ${this.inputs.text.id}-e`);
    this.inputs.text.addEventListener('input', () => this.count());
    this.el.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.el.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && cancel) cancel();
    });
    this.count();
    this.formToken = ctx.api.formToken();
  }

  focus(): void {
    (this.inputs.name.value ? this.inputs.text : this.inputs.name).focus();
  }

  private count(): void {
    const n = this.inputs.text.value.length;
    this.counter.textContent = this.ctx.t('chars', { n, max: this.ctx.maxLength });
    this.counter.classList.toggle('ov', n > this.ctx.maxLength);
  }

  private value(field: Field): string {
    return this.inputs[field].value.trim();
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.showErrors([], '');
    this.button.disabled = true;
    this.el.setAttribute('aria-busy', 'true');
    this.button.textContent = this.ctx.t('sending');
    const identity: Identity = { name: this.value('name'), email: this.value('email'), website: this.value('website') };
    try {
      const { comment, authorToken } = await this.ctx.api.submit({
        ...this.ctx.page,
        parentId: this.parent?.id,
        ...identity,
        website: identity.website || undefined,
        text: this.inputs.text.value,
        formToken: await this.formToken,
        hp: this.honeypot.value || undefined,
        authorProof: loadProof(this.ctx.site),
        notifyReplies: this.notify.checked || undefined,
      });
      saveIdentity(this.remember.checked ? identity : undefined);
      this.ctx.identity = identity;
      this.inputs.text.value = '';
      this.notify.checked = false;
      this.count();
      this.formToken = this.ctx.api.formToken();
      this.ctx.posted(comment, authorToken, this);
    } catch (err) {
      this.failed(err);
    } finally {
      this.busy = false;
      this.el.removeAttribute('aria-busy');
      this.button.textContent = this.ctx.t(this.parent ? 'submitReply' : 'submit');
      if (!this.button.dataset.wait) this.button.disabled = false;
    }
  }

  /** Puts the API's answer into plain words next to the form, and keeps every field as typed. */
  private failed(err: unknown): void {
    const { t } = this.ctx;
    const e = err instanceof ApiFailure ? err : new ApiFailure(0, 'network', String(err));
    const kept = ` ${t('textKept')}`;
    if (e.status === 400 && e.fields.length) {
      const other = e.fields.filter((f) => !(f.path in this.errors));
      if (other.some((f) => f.path === 'formToken')) this.formToken = this.ctx.api.formToken();
      const general = other
        .map((f) =>
          f.path === 'parentId' ? t('errParent') : f.path === 'formToken' ? t('errExpired') : `${f.path}: ${f.message}`,
        )
        .join(' ');
      this.showErrors(e.fields, general || t('errFields'));
    } else if (e.status === 429) {
      this.showErrors([], (e.retryAfter ? t('errRate', { n: e.retryAfter }) : t('errRateSoon')) + kept);
      this.button.dataset.wait = '1';
      setTimeout(
        () => {
          delete this.button.dataset.wait;
          this.button.disabled = false;
        },
        (e.retryAfter ?? 5) * 1000,
      );
    } else if (e.status === 403 && e.code === 'origin_not_allowed') {
      this.showErrors([], t('errOrigin', { origin: location.origin }) + kept);
    } else if (e.status === 413) {
      this.showErrors([], t('errTooLarge') + kept);
    } else if (e.status === 0) {
      this.showErrors([], t('errNetwork') + kept);
    } else if (e.status >= 500) {
      this.showErrors([], t('errServer') + kept);
    } else {
      this.showErrors([], e.message + kept);
    }
  }

  private showErrors(fields: FieldError[], general: string): void {
    const { t, maxLength } = this.ctx;
    const messages: Record<Field, string> = {
      name: t('errName'),
      email: t('errEmail'),
      website: t('errWebsite'),
      text: t('errText', { max: maxLength }),
    };
    let first: HTMLElement | undefined;
    for (const name of Object.keys(this.errors) as Field[]) {
      const bad = fields.some((f) => f.path === name);
      this.errors[name].textContent = bad ? messages[name] : '';
      this.inputs[name].setAttribute('aria-invalid', String(bad));
      if (bad) first ??= this.inputs[name];
    }
    this.general.textContent = '';
    append(this.general, general);
    first?.focus();
  }
}

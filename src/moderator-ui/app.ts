// Browser code: the moderator UI's entry point: sign-in, then the review queue.
// The token lives in sessionStorage only: it is gone when the tab is closed.
import { ApiError, type Me, ModerationApi, type Site } from './api';
import { h, replaceChildren, uniqueId } from './dom';
import { filtersFromQuery } from './filters';
import { QueueView } from './queue';
import { SHORTCUTS } from './shortcuts';
import { Toaster } from './toast';

const TOKEN_KEY = 'parley.moderation.token';

const root = document.getElementById('app') ?? document.body;
let queue: QueueView | undefined;

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: sign in every time
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lives in this page only
  }
}

function signOut(message?: string): void {
  queue?.stop();
  queue = undefined;
  storeToken(null);
  showSignIn(message);
}

function showSignIn(message?: string): void {
  document.title = 'Sign in · Parley moderation';
  const input = h('input', {
    id: uniqueId('token'),
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-hint',
  });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'sign-in-form',
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        button.disabled = true;
        button.textContent = 'Checking…';
        error.textContent = '';
        try {
          await enter(token, { focusFirst: true });
        } catch (err) {
          error.textContent =
            err instanceof ApiError && err.status === 401
              ? 'That token was not accepted. Check it and try again.'
              : `Could not sign in: ${(err as Error).message}`;
          button.disabled = false;
          button.textContent = 'Sign in';
          input.focus();
        }
      },
    },
    h('label', { for: input.id }, 'Moderator token'),
    input,
    h(
      'p',
      { id: 'token-hint', class: 'hint' },
      'An admin creates one with "parley tokens create --role moderator". It is kept in this browser tab only, until you close it or sign out.',
    ),
    error,
    button,
  );
  replaceChildren(root, h('main', { class: 'sign-in', id: 'main' }, h('h1', null, 'Parley moderation'), form));
  input.focus();
}

/** Checks the token, then shows the queue; throws (and stores nothing) when the token does not work. */
async function enter(token: string, options: { focusFirst?: boolean } = {}): Promise<void> {
  let signedIn = false;
  const api = new ModerationApi(token, () => {
    if (signedIn) signOut('Your token is no longer accepted. Sign in again.');
  });
  const me = await api.me();
  const sites = await api.sites().catch(() => [] as Site[]);
  storeToken(token);
  signedIn = true;
  showQueue(api, me, sites, options);
}

function showQueue(api: ModerationApi, me: Me, sites: Site[], options: { focusFirst?: boolean }): void {
  const toaster = new Toaster(() => queue?.focusCurrent());
  const dialog = shortcutsDialog();
  const who = [
    me.label ?? 'token',
    me.role,
    me.siteKey ? `site ${sites.find((s) => s.key === me.siteKey)?.name ?? me.siteKey}` : 'all sites',
  ];
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'skip-link', href: '#main' }, 'Skip to the comments'),
    h('h1', null, 'Parley moderation'),
    h('p', { class: 'whoami' }, `Signed in: ${who.join(' · ')}`),
    h(
      'div',
      { class: 'topbar-buttons' },
      h(
        'button',
        { type: 'button', class: 'secondary', 'aria-keyshortcuts': '?', onclick: () => dialog.showModal() },
        'Shortcuts',
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => signOut() }, 'Sign out'),
    ),
  );
  queue = new QueueView({
    api,
    me,
    sites,
    filters: filtersFromQuery(location.search),
    toaster,
    showShortcuts: () => dialog.showModal(),
  });
  replaceChildren(root, header, queue.element, toaster.element, dialog);
  queue.start(options);
}

function shortcutsDialog(): HTMLDialogElement {
  const titleId = uniqueId('shortcuts');
  const dialog = h(
    'dialog',
    { class: 'shortcuts', 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'dialog-box' },
      h('h2', { id: titleId }, 'Keyboard shortcuts'),
      h(
        'dl',
        null,
        SHORTCUTS.map(([key, what]) => h('div', null, h('dt', null, h('kbd', null, key)), h('dd', null, what))),
      ),
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Close'),
    ),
  );
  // The box fills the dialog, so a click on the dialog itself is a click on the backdrop.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  return dialog;
}

function boot(): void {
  const token = readToken();
  if (!token) {
    showSignIn();
    return;
  }
  enter(token).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) signOut('Your token is no longer accepted. Sign in again.');
    else showSignIn(`Could not reach Parley: ${(err as Error).message}`);
  });
}

boot();

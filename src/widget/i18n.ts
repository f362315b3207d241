// Browser code: every text the widget shows, in one table. English is the default;
// `data-lang` (or the page's <html lang>) picks a bundled translation, and
// `Parley.mount(el, {labels: {...}})` overrides single entries. `{n}`, `{max}`,
// `{name}` and `{origin}` are filled in where the text is used.

const en = {
  count_zero: 'No comments yet',
  count_one: '{n} comment',
  count_other: '{n} comments',
  loading: 'Loading comments…',
  loadFailed: 'The comments could not be loaded.',
  retry: 'Try again',
  loadMore: 'Load more comments',
  reply: 'Reply',
  replyTo: 'Reply to {name}',
  cancel: 'Cancel',
  showReplies_one: 'Show {n} reply',
  showReplies_other: 'Show {n} replies',
  hideReplies: 'Hide replies',
  deleted: 'This comment was deleted.',
  formTitle: 'Leave a comment',
  name: 'Name',
  email: 'Email',
  emailNote: 'Never published. Only the moderators see it.',
  website: 'Website (optional)',
  text: 'Comment',
  textNote: 'Markdown works: *italic*, **bold**, `code`, > quote, links.',
  chars: '{n} / {max} characters',
  remember: 'Remember my name, email and website on this device',
  notifyReplies: 'Notify me of replies by email',
  honeypot: 'Leave this field empty',
  submit: 'Post comment',
  submitReply: 'Post reply',
  sending: 'Sending…',
  pending: 'Awaiting moderation. Only you can see it for now.',
  held: 'Held for a moderator to review. Only you can see it for now.',
  notPublished: 'This comment was not published.',
  posted: 'Thanks! Your comment is awaiting moderation.',
  published: 'Your comment has been published.',
  rejected: 'Your comment was not published.',
  errFields: 'Some fields need a change; see the messages below them.',
  errName: 'Enter your name (at most 80 characters).',
  errEmail: 'Enter a valid email address, like ann@example.com.',
  errWebsite: 'Enter a full web address starting with http:// or https://, or leave it empty.',
  errText: 'Write your comment (at most {max} characters).',
  errParent: 'The comment you are replying to is no longer available.',
  errExpired: 'The form had expired. Please send it again.',
  errRate: 'You are posting too quickly. Please wait {n} seconds and send again.',
  errRateSoon: 'You are posting too quickly. Please wait a little and send again.',
  errOrigin:
    'This page ({origin}) is not allowed to post comments here. The site owner needs to add it to the site’s allowed origins.',
  errTooLarge: 'Your comment is too long.',
  errNetwork: 'The comment service could not be reached. Check your connection and send again.',
  errServer: 'Something went wrong on our side. Please send again in a moment.',
  textKept: 'Your text is still in the form.',
};

export type Labels = typeof en;

const fr: Labels = {
  count_zero: 'Aucun commentaire',
  count_one: '{n} commentaire',
  count_other: '{n} commentaires',
  loading: 'Chargement des commentaires…',
  loadFailed: 'Les commentaires n’ont pas pu être chargés.',
  retry: 'Réessayer',
  loadMore: 'Afficher plus de commentaires',
  reply: 'Répondre',
  replyTo: 'Répondre à {name}',
  cancel: 'Annuler',
  showReplies_one: 'Afficher {n} réponse',
  showReplies_other: 'Afficher {n} réponses',
  hideReplies: 'Masquer les réponses',
  deleted: 'Ce commentaire a été supprimé.',
  formTitle: 'Laisser un commentaire',
  name: 'Nom',
  email: 'E-mail',
  emailNote: 'Jamais publié. Seuls les modérateurs le voient.',
  website: 'Site web (facultatif)',
  text: 'Commentaire',
  textNote: 'Markdown accepté : *italique*, **gras**, `code`, > citation, liens.',
  chars: '{n} / {max} caractères',
  remember: 'Retenir mon nom, mon e-mail et mon site sur cet appareil',
  notifyReplies: 'Me prévenir des réponses par e-mail',
  honeypot: 'Laissez ce champ vide',
  submit: 'Publier',
  submitReply: 'Répondre',
  sending: 'Envoi…',
  pending: 'En attente de modération. Vous seul le voyez pour l’instant.',
  held: 'Retenu pour relecture par un modérateur. Vous seul le voyez pour l’instant.',
  notPublished: 'Ce commentaire n’a pas été publié.',
  posted: 'Merci ! Votre commentaire est en attente de modération.',
  published: 'Votre commentaire a été publié.',
  rejected: 'Votre commentaire n’a pas été publié.',
  errFields: 'Certains champs sont à corriger ; voir les messages sous ceux-ci.',
  errName: 'Indiquez votre nom (80 caractères au plus).',
  errEmail: 'Indiquez une adresse e-mail valide, comme anne@example.com.',
  errWebsite: 'Indiquez une adresse complète commençant par http:// ou https://, ou laissez vide.',
  errText: 'Écrivez votre commentaire ({max} caractères au plus).',
  errParent: 'Le commentaire auquel vous répondez n’est plus disponible.',
  errExpired: 'Le formulaire avait expiré. Veuillez l’envoyer à nouveau.',
  errRate: 'Vous publiez trop vite. Attendez {n} secondes puis envoyez à nouveau.',
  errRateSoon: 'Vous publiez trop vite. Attendez un peu puis envoyez à nouveau.',
  errOrigin:
    'Cette page ({origin}) n’est pas autorisée à publier des commentaires ici. Le propriétaire du site doit l’ajouter aux origines autorisées.',
  errTooLarge: 'Votre commentaire est trop long.',
  errNetwork: 'Le service de commentaires est injoignable. Vérifiez votre connexion et envoyez à nouveau.',
  errServer: 'Une erreur est survenue de notre côté. Réessayez dans un instant.',
  textKept: 'Votre texte est toujours dans le formulaire.',
};

const BUNDLED: Record<string, Labels> = { en, fr };

/** The language actually used: the requested one if bundled (by its primary subtag), else English. */
export function pickLanguage(requested: string | undefined): string {
  const primary = (requested ?? '').toLowerCase().split('-')[0];
  return primary in BUNDLED ? primary : 'en';
}

export type Translate = (key: keyof Labels, vars?: Record<string, string | number>) => string;

/** A translator for `lang`, with `overrides` taking precedence over the bundled table. */
export function translator(lang: string, overrides: Partial<Labels> = {}): Translate {
  const table: Labels = { ...BUNDLED[lang], ...overrides };
  return (key, vars = {}) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The plural variant of `n` in `lang` (French says "1 commentaire" and "0 commentaire" alike). */
export function plural(lang: string, n: number): 'one' | 'other' {
  return new Intl.PluralRules(lang).select(n) === 'one' ? 'one' : 'other';
}

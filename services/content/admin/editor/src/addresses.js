// Which link addresses the editor accepts: what the server keeps and what
// makes sense on a commune's page. Anything else (javascript:, data:, a
// protocol-relative //host) is refused before it reaches the text.

const ALLOWED = /^(?:https?:\/\/[^\s/]+\S*|mailto:[^\s@]+@\S+|tel:\+?[0-9][0-9 ().-]*|\/(?!\/)\S*)$/i;

/** Whether `address` may be a link's href. */
export function allowedHref(address) {
  return ALLOWED.test(address ?? '');
}

/** The library's own files: the only images the server keeps. */
export function isLibraryImage(src) {
  return typeof src === 'string' && src.startsWith('/tep/');
}

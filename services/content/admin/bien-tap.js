// The rich-text editor's bundle, written by `make editor`; until it is
// built, the body stays a plain text area.

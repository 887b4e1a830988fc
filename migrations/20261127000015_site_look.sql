-- A commune's look (REGULATIONS.md's layout rules stay the theme's): the
-- built-in theme its site uses, its two brand colours (NULL: the theme's
-- own), a font from a safe list, and the header's and footer's own lines.
-- The workspace checks colours for contrast; here a colour can only ever be
-- a six-digit hex code, so nothing else reaches the page's CSS. A change is
-- an UPDATE of site_profiles, which purges the commune's cached pages.
ALTER TABLE site_profiles
    ADD COLUMN theme text NOT NULL DEFAULT 'default' CHECK (theme IN ('default', 'sen')),
    ADD COLUMN primary_color text CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
    ADD COLUMN primary_dark_color text CHECK (primary_dark_color ~ '^#[0-9a-f]{6}$'),
    ADD COLUMN font text NOT NULL DEFAULT 'he-thong'
        CHECK (font IN ('he-thong', 'co-chan', 'arial', 'tahoma')),
    ADD COLUMN header_text text NOT NULL DEFAULT '' CHECK (length(header_text) <= 200),
    ADD COLUMN footer_text text NOT NULL DEFAULT '' CHECK (length(footer_text) <= 1000);

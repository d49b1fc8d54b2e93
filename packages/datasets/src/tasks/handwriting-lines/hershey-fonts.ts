/**
 * The Hershey fonts (from npm `hersheytext`) that cover all 79 printable classes: sans, serif (roman, italic, bold)
 * and three script (cursive) faces. The package's Gothic faces also cover them, but are hard to read even for people.
 * The names live apart from `hershey-glyphs.ts`, so the params schema can list them without loading the font data.
 */
export const PRINT_FONTS = ["futural", "futuram", "timesr", "timesi", "timesrb", "timesib"] as const;
/** Hershey's handwriting-like script faces. */
export const CURSIVE_FONTS = ["scripts", "scriptc", "cursive"] as const;
/** Gothic faces, available but off by default. */
export const GOTHIC_FONTS = ["gothiceng", "gothicger", "gothicita"] as const;
/** Every Hershey font a line may use. */
export const HERSHEY_FONTS = [...PRINT_FONTS, ...CURSIVE_FONTS, ...GOTHIC_FONTS] as const;
/** A Hershey font's id in `hersheytext`'s JSON. */
export type HersheyFont = (typeof HERSHEY_FONTS)[number];

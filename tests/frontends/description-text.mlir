// The text of a description is checked before the TOML parser sees it: it
// must be UTF-8 without control characters (but tab and line breaks), and
// non-ASCII characters may appear only in comments and strings, where TOML
// allows them. toml++ 3.3.0 has undefined behaviour on many non-ASCII
// characters anywhere else; each case gets one error at file:line:col.

// Non-ASCII text in comments and strings (also after a line-ending
// backslash's continuation line) is fine.
// RUN: mgc compile %S/Inputs/text/unicode.toml --target arm64 -O0 | FileCheck %s --check-prefix=UNICODE
// UNICODE: module @{{.*}}tiny
// UNICODE: mgc.attention

// RUN: not mgc compile %S/Inputs/text/nonascii-after-value.toml --target arm64 2>&1 | FileCheck %s --check-prefix=AFTER_VALUE
// AFTER_VALUE: nonascii-after-value.toml:5:15: error: syntax error: non-ASCII character U+00A1 outside a string or comment

// A quote inside a bare value does not open a string.
// RUN: not mgc compile %S/Inputs/text/quote-in-value.toml --target arm64 2>&1 | FileCheck %s --check-prefix=QUOTE
// QUOTE: quote-in-value.toml:5:16: error: syntax error: non-ASCII character U+00A1 outside a string or comment

// RUN: not mgc compile %S/Inputs/text/nonascii-key.toml --target arm64 2>&1 | FileCheck %s --check-prefix=KEY
// KEY: nonascii-key.toml:10:2: error: syntax error: non-ASCII character U+00E9 outside a string or comment

// RUN: not mgc compile %S/Inputs/text/multiline-backslash.toml --target arm64 2>&1 | FileCheck %s --check-prefix=BACKSLASH
// BACKSLASH: multiline-backslash.toml:3:1: error: syntax error: non-ASCII character U+00A7 after a backslash in a string

// A syntax error on an earlier line is reported first.
// RUN: not mgc compile %S/Inputs/text/error-before-nonascii.toml --target arm64 2>&1 | FileCheck %s --check-prefix=EARLIER
// EARLIER: error-before-nonascii.toml:9:9: error: syntax error: Error while parsing value: could not determine value type

// RUN: not mgc compile %S/Inputs/text/invalid-utf8.toml --target arm64 2>&1 | FileCheck %s --check-prefix=UTF8
// UTF8: invalid-utf8.toml:7:6: error: syntax error: invalid UTF-8 (byte 0xE9); a description must be UTF-8 text
// RUN: not mgc compile %S/Inputs/text/overlong-utf8.toml --target arm64 2>&1 | FileCheck %s --check-prefix=OVERLONG
// OVERLONG: overlong-utf8.toml:2:9: error: syntax error: invalid UTF-8 (byte 0xC0); a description must be UTF-8 text

// RUN: not mgc compile %S/Inputs/text/control-char.toml --target arm64 2>&1 | FileCheck %s --check-prefix=CONTROL
// CONTROL: control-char.toml:2:10: error: syntax error: control character U+0001; only tab and line breaks are allowed

// `mgc inspect` reads descriptions the same way.
// RUN: not mgc inspect %S/Inputs/text/nonascii-after-value.toml 2>&1 | FileCheck %s --check-prefix=AFTER_VALUE

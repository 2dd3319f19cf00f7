#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

// Plain text out of the documents a knowledge source can be made of (engine.md §5). Pure functions, safe on any
// thread: the knowledge service runs them on its worker pool, never on the main loop. Paragraphs come out separated by
// a blank line, which is what the chunker splits on.
namespace kinbot::knowledge {

enum class DocKind { Unknown, Text, Markdown, Html, Pdf, Docx };

// From the file name's extension, else the MIME type (parameters ignored), else the first bytes (%PDF-, an HTML
// start tag). Unknown means unsupported (415).
DocKind detectKind(const QString &fileName, const QByteArray &mimeType, const QByteArray &head);
QString kindMime(DocKind kind);

// The text of a document of that kind. Errors (422 EXTRACTION_FAILED): unreadable PDF/DOCX, encrypted PDF, binary
// data given as text.
Result<QString> extractText(DocKind kind, const QByteArray &data);

// Text of an HTML document: comments, <script>, <style>, <noscript>, <template>, <svg> and <head> metadata dropped,
// block elements turned into paragraph breaks, entities (named, decimal, hex) decoded, white space collapsed.
QString htmlToText(const QString &html);
// Markdown reduced to its prose: links and images keep their text, emphasis/heading/quote markers go, code stays.
QString markdownToText(const QString &markdown);
// Bytes as UTF-8 (Latin-1 when they are not valid UTF-8); an error when they look binary (NUL bytes).
Result<QString> decodeText(const QByteArray &data);
// Line endings unified, trailing spaces cut, runs of blank lines reduced to one.
QString normalizeText(const QString &text);

} // namespace kinbot::knowledge

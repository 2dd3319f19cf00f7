#include "knowledge/TextExtraction.h"

#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QStringDecoder>
#include <QXmlStreamReader>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <zip.h>

#include <memory>

namespace kinbot::knowledge {

namespace {

ApiError extractionFailed(const QString &message)
{
    return ApiError::unprocessable(QStringLiteral("EXTRACTION_FAILED"), message);
}

const QHash<QString, char32_t> &namedEntities()
{
    static const QHash<QString, char32_t> table = {
        {QStringLiteral("amp"), U'&'},      {QStringLiteral("lt"), U'<'},       {QStringLiteral("gt"), U'>'},
        {QStringLiteral("quot"), U'"'},     {QStringLiteral("apos"), U'\''},    {QStringLiteral("nbsp"), U' '},
        {QStringLiteral("ensp"), U' '},     {QStringLiteral("emsp"), U' '},     {QStringLiteral("thinsp"), U' '},
        {QStringLiteral("copy"), U'©'},     {QStringLiteral("reg"), U'®'},      {QStringLiteral("trade"), U'™'},
        {QStringLiteral("mdash"), U'—'},    {QStringLiteral("ndash"), U'–'},    {QStringLiteral("hellip"), U'…'},
        {QStringLiteral("laquo"), U'«'},    {QStringLiteral("raquo"), U'»'},    {QStringLiteral("lsquo"), U'‘'},
        {QStringLiteral("rsquo"), U'’'},    {QStringLiteral("ldquo"), U'“'},    {QStringLiteral("rdquo"), U'”'},
        {QStringLiteral("bull"), U'•'},     {QStringLiteral("middot"), U'·'},   {QStringLiteral("deg"), U'°'},
        {QStringLiteral("euro"), U'€'},     {QStringLiteral("pound"), U'£'},    {QStringLiteral("yen"), U'¥'},
        {QStringLiteral("cent"), U'¢'},     {QStringLiteral("sect"), U'§'},     {QStringLiteral("para"), U'¶'},
        {QStringLiteral("times"), U'×'},    {QStringLiteral("divide"), U'÷'},   {QStringLiteral("plusmn"), U'±'},
        {QStringLiteral("frac12"), U'½'},   {QStringLiteral("frac14"), U'¼'},   {QStringLiteral("frac34"), U'¾'},
        {QStringLiteral("larr"), U'←'},     {QStringLiteral("rarr"), U'→'},     {QStringLiteral("uarr"), U'↑'},
        {QStringLiteral("darr"), U'↓'},     {QStringLiteral("iexcl"), U'¡'},    {QStringLiteral("iquest"), U'¿'},
        {QStringLiteral("agrave"), U'à'},   {QStringLiteral("aacute"), U'á'},   {QStringLiteral("acirc"), U'â'},
        {QStringLiteral("auml"), U'ä'},     {QStringLiteral("aring"), U'å'},    {QStringLiteral("aelig"), U'æ'},
        {QStringLiteral("ccedil"), U'ç'},   {QStringLiteral("egrave"), U'è'},   {QStringLiteral("eacute"), U'é'},
        {QStringLiteral("ecirc"), U'ê'},    {QStringLiteral("euml"), U'ë'},     {QStringLiteral("igrave"), U'ì'},
        {QStringLiteral("iacute"), U'í'},   {QStringLiteral("icirc"), U'î'},    {QStringLiteral("iuml"), U'ï'},
        {QStringLiteral("ntilde"), U'ñ'},   {QStringLiteral("ograve"), U'ò'},   {QStringLiteral("oacute"), U'ó'},
        {QStringLiteral("ocirc"), U'ô'},    {QStringLiteral("ouml"), U'ö'},     {QStringLiteral("oslash"), U'ø'},
        {QStringLiteral("ugrave"), U'ù'},   {QStringLiteral("uacute"), U'ú'},   {QStringLiteral("ucirc"), U'û'},
        {QStringLiteral("uuml"), U'ü'},     {QStringLiteral("szlig"), U'ß'},    {QStringLiteral("Agrave"), U'À'},
        {QStringLiteral("Aacute"), U'Á'},   {QStringLiteral("Eacute"), U'É'},   {QStringLiteral("Egrave"), U'È'},
        {QStringLiteral("Ccedil"), U'Ç'},   {QStringLiteral("Ouml"), U'Ö'},     {QStringLiteral("Uuml"), U'Ü'},
        {QStringLiteral("Auml"), U'Ä'},     {QStringLiteral("oelig"), U'œ'},    {QStringLiteral("OElig"), U'Œ'},
        {QStringLiteral("shy"), U'\u00AD'}, {QStringLiteral("zwnj"), U'\u200C'}, {QStringLiteral("zwj"), U'\u200D'},
    };
    return table;
}

void appendCodePoint(QString &out, char32_t cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp == 0xA0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009)
        cp = U' ';
    if (cp == 0xAD) // soft hyphen: invisible
        return;
    out.append(QString::fromUcs4(&cp, 1));
}

// Decodes character references in text (HTML rules, tolerant: an unknown or unterminated one stays as written).
QString decodeEntities(QStringView text)
{
    if (!text.contains(QLatin1Char('&')))
        return text.toString();
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c != QLatin1Char('&')) {
            out.append(c);
            continue;
        }
        qsizetype j = i + 1;
        const qsizetype limit = qMin(text.size(), i + 34);
        while (j < limit && (text[j].isLetterOrNumber() || text[j] == QLatin1Char('#')))
            ++j;
        const QStringView name = text.mid(i + 1, j - i - 1);
        const bool terminated = j < text.size() && text[j] == QLatin1Char(';');
        bool decoded = false;
        if (name.startsWith(QLatin1Char('#')) && name.size() > 1) {
            bool ok = false;
            const bool hex = name.size() > 2 && (name[1] == QLatin1Char('x') || name[1] == QLatin1Char('X'));
            const qulonglong cp = hex ? name.mid(2).toULongLong(&ok, 16) : name.mid(1).toULongLong(&ok, 10);
            if (ok) {
                appendCodePoint(out, cp > 0x10FFFF ? 0xFFFD : char32_t(cp));
                decoded = true;
            }
        } else if (!name.isEmpty()) {
            auto it = namedEntities().constFind(name.toString());
            if (it != namedEntities().constEnd()) {
                appendCodePoint(out, it.value());
                decoded = true;
            }
        }
        if (decoded) {
            i = terminated ? j : j - 1;
        } else {
            out.append(c);
        }
    }
    return out;
}

bool isBlockTag(const QString &tag)
{
    static const QSet<QString> blocks = {
        QStringLiteral("p"),       QStringLiteral("div"),        QStringLiteral("section"), QStringLiteral("article"),
        QStringLiteral("aside"),   QStringLiteral("header"),     QStringLiteral("footer"),  QStringLiteral("nav"),
        QStringLiteral("main"),    QStringLiteral("h1"),         QStringLiteral("h2"),      QStringLiteral("h3"),
        QStringLiteral("h4"),      QStringLiteral("h5"),         QStringLiteral("h6"),      QStringLiteral("ul"),
        QStringLiteral("ol"),      QStringLiteral("dl"),         QStringLiteral("table"),   QStringLiteral("blockquote"),
        QStringLiteral("pre"),     QStringLiteral("figure"),     QStringLiteral("figcaption"), QStringLiteral("form"),
        QStringLiteral("fieldset"), QStringLiteral("address"),   QStringLiteral("hr"),      QStringLiteral("title"),
        QStringLiteral("body"),    QStringLiteral("html"),       QStringLiteral("details"), QStringLiteral("summary"),
    };
    return blocks.contains(tag);
}

bool isLineTag(const QString &tag)
{
    static const QSet<QString> lines = {QStringLiteral("br"), QStringLiteral("li"), QStringLiteral("tr"), QStringLiteral("dt"),
                                        QStringLiteral("dd"), QStringLiteral("option"), QStringLiteral("caption")};
    return lines.contains(tag);
}

bool isSkippedElement(const QString &tag)
{
    static const QSet<QString> skipped = {QStringLiteral("script"), QStringLiteral("style"), QStringLiteral("noscript"),
                                          QStringLiteral("template"), QStringLiteral("svg"), QStringLiteral("iframe"),
                                          QStringLiteral("object"), QStringLiteral("canvas")};
    return skipped.contains(tag);
}

// Index just past the '>' closing the tag that starts at `from` ('<'), quotes respected; size() when unterminated.
qsizetype tagEnd(QStringView html, qsizetype from)
{
    QChar quote;
    for (qsizetype i = from + 1; i < html.size(); ++i) {
        const QChar c = html[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
        } else if (c == QLatin1Char('>')) {
            return i + 1;
        }
    }
    return html.size();
}

// Text of word/document.xml: paragraphs (w:p) separated by blank lines, w:tab → tab, w:br/w:cr → line break.
Result<QString> docxDocumentText(const QByteArray &xml)
{
    QXmlStreamReader r(xml);
    QString out;
    QString para;
    while (!r.atEnd()) {
        r.readNext();
        if (r.isStartElement()) {
            const QStringView name = r.name();
            if (name == QLatin1String("t")) {
                para += r.readElementText(QXmlStreamReader::IncludeChildElements);
            } else if (name == QLatin1String("tab")) {
                para += QLatin1Char('\t');
            } else if (name == QLatin1String("br") || name == QLatin1String("cr")) {
                para += QLatin1Char('\n');
            }
        } else if (r.isEndElement() && r.name() == QLatin1String("p")) {
            if (!para.trimmed().isEmpty())
                out += para.trimmed() + QStringLiteral("\n\n");
            para.clear();
        }
    }
    if (r.hasError())
        return extractionFailed(QStringLiteral("word/document.xml is not well-formed XML: ") + r.errorString());
    if (!para.trimmed().isEmpty())
        out += para.trimmed();
    return out;
}

Result<QString> docxText(const QByteArray &data)
{
    constexpr zip_uint64_t kMaxXml = 64 * 1024 * 1024; // document.xml inflated (zip bombs)
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *src = zip_source_buffer_create(data.constData(), zip_uint64_t(data.size()), 0, &error);
    if (!src) {
        zip_error_fini(&error);
        return extractionFailed(QStringLiteral("Cannot read the DOCX archive"));
    }
    zip_t *archive = zip_open_from_source(src, ZIP_RDONLY, &error);
    zip_error_fini(&error);
    if (!archive) {
        zip_source_free(src);
        return extractionFailed(QStringLiteral("Not a DOCX file (not a zip archive)"));
    }
    std::unique_ptr<zip_t, decltype(&zip_discard)> guard(archive, &zip_discard);
    const zip_int64_t index = zip_name_locate(archive, "word/document.xml", 0);
    if (index < 0)
        return extractionFailed(QStringLiteral("Not a DOCX file (no word/document.xml)"));
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, zip_uint64_t(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > kMaxXml)
        return extractionFailed(QStringLiteral("word/document.xml is missing or too large"));
    zip_file_t *file = zip_fopen_index(archive, zip_uint64_t(index), 0);
    if (!file)
        return extractionFailed(QStringLiteral("Cannot open word/document.xml"));
    QByteArray xml;
    xml.resize(qsizetype(st.size));
    const zip_int64_t read = zip_fread(file, xml.data(), st.size);
    zip_fclose(file);
    if (read < 0 || zip_uint64_t(read) != st.size)
        return extractionFailed(QStringLiteral("Cannot inflate word/document.xml"));
    return docxDocumentText(xml);
}

void quietPoppler(const std::string &, void *) {}

Result<QString> pdfText(const QByteArray &data)
{
    static const bool silenced = [] {
        poppler::set_debug_error_function(&quietPoppler, nullptr);
        return true;
    }();
    Q_UNUSED(silenced);
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(data.constData(), int(data.size())));
    if (!doc)
        return extractionFailed(QStringLiteral("Cannot read the PDF (damaged or not a PDF)"));
    if (doc->is_locked())
        return extractionFailed(QStringLiteral("The PDF is password-protected"));
    QString out;
    const int pages = doc->pages();
    for (int i = 0; i < pages; ++i) {
        std::unique_ptr<poppler::page> page(doc->create_page(i));
        if (!page)
            continue;
        const poppler::byte_array utf8 = page->text().to_utf8();
        const QString text = QString::fromUtf8(utf8.data(), qsizetype(utf8.size())).trimmed();
        if (!text.isEmpty())
            out += text + QStringLiteral("\n\n");
    }
    return out;
}

} // namespace

Result<QString> decodeText(const QByteArray &data)
{
    const qsizetype probe = qMin<qsizetype>(data.size(), 64 * 1024);
    if (QByteArrayView(data.constData(), probe).contains('\0'))
        return extractionFailed(QStringLiteral("The content looks binary, not text"));
    QByteArrayView bytes(data);
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes = bytes.sliced(3);
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(bytes);
    if (utf8.hasError())
        text = QString::fromLatin1(bytes.data(), bytes.size());
    return text;
}

QString normalizeText(const QString &text)
{
    QString out;
    out.reserve(text.size());
    int blankRun = 0;
    bool any = false;
    const QStringList lines = QString(text).replace(QStringLiteral("\r\n"), QStringLiteral("\n")).replace(QLatin1Char('\r'), QLatin1Char('\n'))
                                  .split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        QStringView l(line);
        while (!l.isEmpty() && l.back().isSpace())
            l.chop(1);
        if (l.trimmed().isEmpty()) {
            ++blankRun;
            continue;
        }
        if (any)
            out += blankRun > 0 ? QStringLiteral("\n\n") : QStringLiteral("\n");
        out += l;
        any = true;
        blankRun = 0;
    }
    return out;
}

QString htmlToText(const QString &html)
{
    QString out;
    out.reserve(html.size() / 2);
    QString text; // pending character data, decoded when flushed
    const auto flushText = [&] {
        if (text.isEmpty())
            return;
        QString decoded = decodeEntities(text);
        // Source white space (newlines included) is one space in HTML; only elements make line breaks.
        for (QChar c : decoded) {
            if (c.isSpace()) {
                if (!out.isEmpty() && !out.back().isSpace())
                    out += QLatin1Char(' ');
            } else {
                out += c;
            }
        }
        text.clear();
    };
    const auto breakLine = [&](bool paragraph) {
        while (!out.isEmpty() && out.back() == QLatin1Char(' '))
            out.chop(1);
        out += paragraph ? QStringLiteral("\n\n") : QStringLiteral("\n");
    };

    const QStringView h(html);
    qsizetype i = 0;
    while (i < h.size()) {
        const QChar c = h[i];
        if (c != QLatin1Char('<')) {
            const qsizetype next = h.indexOf(QLatin1Char('<'), i);
            const qsizetype end = next < 0 ? h.size() : next;
            text += h.mid(i, end - i);
            i = end;
            continue;
        }
        if (h.mid(i, 4) == QLatin1String("<!--")) {
            const qsizetype close = h.indexOf(QLatin1String("-->"), i + 4);
            i = close < 0 ? h.size() : close + 3;
            continue;
        }
        if (h.mid(i, 9).compare(QLatin1String("<![CDATA["), Qt::CaseInsensitive) == 0) {
            const qsizetype close = h.indexOf(QLatin1String("]]>"), i + 9);
            text += h.mid(i + 9, (close < 0 ? h.size() : close) - i - 9);
            i = close < 0 ? h.size() : close + 3;
            continue;
        }
        // A tag: <name ...>, </name>, <!DOCTYPE>, <?xml?>. A '<' not followed by a letter, '/', '!' or '?' is text.
        const QChar n = i + 1 < h.size() ? h[i + 1] : QChar();
        if (!(n.isLetter() || n == QLatin1Char('/') || n == QLatin1Char('!') || n == QLatin1Char('?'))) {
            text += c;
            ++i;
            continue;
        }
        const qsizetype end = tagEnd(h, i);
        const bool closing = n == QLatin1Char('/');
        qsizetype s = i + (closing ? 2 : 1);
        qsizetype e = s;
        while (e < end && (h[e].isLetterOrNumber() || h[e] == QLatin1Char('-') || h[e] == QLatin1Char(':')))
            ++e;
        const QString tag = h.mid(s, e - s).toString().toLower();
        i = end;
        flushText();
        if (!closing && isSkippedElement(tag)) {
            // Raw content up to the matching end tag (no nesting for these).
            const QString endTag = QStringLiteral("</") + tag;
            const qsizetype close = h.indexOf(endTag, i, Qt::CaseInsensitive);
            i = close < 0 ? h.size() : tagEnd(h, close);
            continue;
        }
        if (tag == QLatin1String("head") && !closing) {
            // Only the title of the head is text; meta, link, base carry none, scripts and styles are skipped above.
            continue;
        }
        if (isBlockTag(tag))
            breakLine(true);
        else if (isLineTag(tag))
            breakLine(false);
        else if (tag == QLatin1String("td") || tag == QLatin1String("th")) {
            if (!out.isEmpty() && !out.back().isSpace())
                out += QLatin1Char(' ');
        }
    }
    flushText();
    return normalizeText(out);
}

QString markdownToText(const QString &markdown)
{
    QString s = markdown;
    static const QRegularExpression image(QStringLiteral("!\\[([^\\]]*)\\]\\([^)]*\\)"));
    static const QRegularExpression link(QStringLiteral("\\[([^\\]]+)\\]\\([^)]*\\)"));
    static const QRegularExpression heading(QStringLiteral("^[ \\t]{0,3}#{1,6}[ \\t]+"), QRegularExpression::MultilineOption);
    static const QRegularExpression quote(QStringLiteral("^[ \\t]{0,3}>[ \\t]?"), QRegularExpression::MultilineOption);
    static const QRegularExpression rule(QStringLiteral("^[ \\t]{0,3}([-*_][ \\t]*){3,}$"), QRegularExpression::MultilineOption);
    static const QRegularExpression fence(QStringLiteral("^[ \\t]{0,3}(```|~~~).*$"), QRegularExpression::MultilineOption);
    static const QRegularExpression emphasis(QStringLiteral("(\\*\\*|__|\\*|~~)(?=\\S)(.+?)(?<=\\S)\\1"));
    static const QRegularExpression htmlTag(QStringLiteral("</?[A-Za-z][^>]*>"));
    s.replace(image, QStringLiteral("\\1"));
    s.replace(link, QStringLiteral("\\1"));
    s.replace(fence, QString());
    s.replace(rule, QString());
    s.replace(heading, QString());
    s.replace(quote, QString());
    s.replace(emphasis, QStringLiteral("\\2"));
    s.replace(htmlTag, QString());
    return normalizeText(decodeEntities(s));
}

DocKind detectKind(const QString &fileName, const QByteArray &mimeType, const QByteArray &head)
{
    const QString ext = QFileInfo(fileName).suffix().toLower();
    static const QHash<QString, DocKind> byExt = {
        {QStringLiteral("txt"), DocKind::Text},       {QStringLiteral("text"), DocKind::Text},
        {QStringLiteral("log"), DocKind::Text},       {QStringLiteral("csv"), DocKind::Text},
        {QStringLiteral("tsv"), DocKind::Text},       {QStringLiteral("json"), DocKind::Text},
        {QStringLiteral("yaml"), DocKind::Text},      {QStringLiteral("yml"), DocKind::Text},
        {QStringLiteral("rst"), DocKind::Text},       {QStringLiteral("md"), DocKind::Markdown},
        {QStringLiteral("markdown"), DocKind::Markdown}, {QStringLiteral("mdx"), DocKind::Markdown},
        {QStringLiteral("html"), DocKind::Html},      {QStringLiteral("htm"), DocKind::Html},
        {QStringLiteral("xhtml"), DocKind::Html},     {QStringLiteral("pdf"), DocKind::Pdf},
        {QStringLiteral("docx"), DocKind::Docx},
    };
    if (auto it = byExt.constFind(ext); it != byExt.constEnd())
        return it.value();
    const QByteArray mime = mimeType.split(';').value(0).trimmed().toLower();
    if (mime == "text/html" || mime == "application/xhtml+xml")
        return DocKind::Html;
    if (mime == "text/markdown" || mime == "text/x-markdown")
        return DocKind::Markdown;
    if (mime == "application/pdf")
        return DocKind::Pdf;
    if (mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return DocKind::Docx;
    if (mime.startsWith("text/") || mime == "application/json")
        return DocKind::Text;
    if (head.startsWith("%PDF-"))
        return DocKind::Pdf;
    const QByteArray start = head.left(512).trimmed().toLower();
    if (start.startsWith("<!doctype html") || start.startsWith("<html"))
        return DocKind::Html;
    if ((mime.isEmpty() || mime == "application/octet-stream") && ext.isEmpty() && !head.isEmpty() && !head.left(4096).contains('\0')
        && !head.startsWith("PK\x03\x04"))
        return DocKind::Text;
    return DocKind::Unknown;
}

QString kindMime(DocKind kind)
{
    switch (kind) {
    case DocKind::Text: return QStringLiteral("text/plain");
    case DocKind::Markdown: return QStringLiteral("text/markdown");
    case DocKind::Html: return QStringLiteral("text/html");
    case DocKind::Pdf: return QStringLiteral("application/pdf");
    case DocKind::Docx: return QStringLiteral("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    case DocKind::Unknown: break;
    }
    return QStringLiteral("application/octet-stream");
}

Result<QString> extractText(DocKind kind, const QByteArray &data)
{
    switch (kind) {
    case DocKind::Pdf: {
        auto t = pdfText(data);
        if (!t)
            return t;
        return normalizeText(t.value());
    }
    case DocKind::Docx: {
        auto t = docxText(data);
        if (!t)
            return t;
        return normalizeText(t.value());
    }
    case DocKind::Html:
    case DocKind::Markdown:
    case DocKind::Text: {
        auto t = decodeText(data);
        if (!t)
            return t;
        if (kind == DocKind::Html)
            return htmlToText(t.value());
        if (kind == DocKind::Markdown)
            return markdownToText(t.value());
        return normalizeText(t.value());
    }
    case DocKind::Unknown: break;
    }
    return ApiError{ErrorKind::UnsupportedMediaType, QStringLiteral("UNSUPPORTED_FILE_TYPE"), QStringLiteral("Unsupported document type")};
}

} // namespace kinbot::knowledge

#include "miniapps/MiniAppServing.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace kinbot::miniapp {

namespace {

// Copies the parent window's theme (class "dark", data-palette, data-contrast on <html>) onto the app's document and
// follows its changes. Same-origin parents only; anywhere else it does nothing.
const char kThemeSync[] = R"JS(<script>(function(){try{var p=window.parent&&window.parent!==window?window.parent.document.documentElement:null;if(!p)return;var d=document.documentElement;var sync=function(){d.classList.toggle('dark',p.classList.contains('dark'));['data-palette','data-contrast'].forEach(function(a){var v=p.getAttribute(a);if(v===null)d.removeAttribute(a);else d.setAttribute(a,v);});};sync();new MutationObserver(sync).observe(p,{attributes:true,attributeFilter:['class','data-palette','data-contrast']});}catch(e){}})();</script>)JS";

struct VendorModule
{
    const char *specifier;
    const char *file;
};
// The React build shipped with the app (resources/jsruntime → /miniapp-vendor), one React instance for all of them.
constexpr VendorModule kVendor[] = {
    {"react", "react.js"},
    {"react-dom", "react-dom.js"},
    {"react-dom/client", "react-dom-client.js"},
    {"react/jsx-runtime", "react-jsx-runtime.js"},
};

bool isRemote(const QString &url)
{
    return url.startsWith(QLatin1String("https://")) || url.startsWith(QLatin1String("http://")) || url.startsWith(QLatin1String("//"));
}

QString vendorUrl(const char *file)
{
    return QLatin1String(kVendorBase) + QLatin1String(file);
}

// The React specifier a CDN URL stands for ("https://esm.sh/react-dom@19/client" → "react-dom/client"), or "".
QString reactSpecifierOf(const QString &key, const QString &url)
{
    for (const VendorModule &m : kVendor)
        if (key == QLatin1String(m.specifier) && isRemote(url))
            return key;
    return {};
}

const QRegularExpression &inlineJsxRe()
{
    static const QRegularExpression re(QStringLiteral(R"(<script\s+type\s*=\s*["']text/(?:jsx|babel)["']\s*>([\s\S]*?)</script\s*>)"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &srcJsxRe()
{
    static const QRegularExpression re(QStringLiteral(R"(<script(\s[^>]*?)type\s*=\s*["']text/(?:jsx|babel)["']([^>]*)>)"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

// "</script" inside the generated code would end the element early.
QByteArray scriptSafe(QByteArray code)
{
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT");
}

} // namespace

QByteArray contentSecurityPolicy()
{
    static const QByteArray csp = QByteArrayList{
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' https://esm.sh https://cdn.jsdelivr.net https://unpkg.com https://cdnjs.cloudflare.com",
        "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com https://cdn.jsdelivr.net https://unpkg.com https://cdnjs.cloudflare.com",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data: https://fonts.gstatic.com https://cdn.jsdelivr.net",
        "connect-src 'self'",
        "media-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    }.join("; ");
    return csp;
}

QByteArray importMap(const QByteArray &appJson)
{
    QJsonObject imports;
    for (const VendorModule &m : kVendor)
        imports.insert(QLatin1String(m.specifier), vendorUrl(m.file));
    imports.insert(QStringLiteral("@kinbot/react"), QLatin1String(kSdkBase) + QStringLiteral("kinbot-react.js"));
    imports.insert(QStringLiteral("@kinbot/components"), QLatin1String(kSdkBase) + QStringLiteral("kinbot-components.js"));
    QJsonObject map;
    const QJsonObject manifest = QJsonDocument::fromJson(appJson).object();
    if (manifest.value(QStringLiteral("importmap")).isObject()) {
        map = manifest.value(QStringLiteral("importmap")).toObject();
    } else if (manifest.value(QStringLiteral("dependencies")).isObject()) {
        map.insert(QStringLiteral("imports"), manifest.value(QStringLiteral("dependencies")));
    }
    const QJsonObject declared = map.value(QStringLiteral("imports")).toObject();
    for (auto it = declared.begin(); it != declared.end(); ++it) {
        if (!it.value().isString())
            continue;
        if (!reactSpecifierOf(it.key(), it.value().toString()).isEmpty())
            continue; // the bundled copy: offline, and one React for the SDK and the app
        imports.insert(it.key(), it.value());
    }
    map.insert(QStringLiteral("imports"), imports);
    return QJsonDocument(map).toJson(QJsonDocument::Compact);
}

bool hasInlineJsx(const QByteArray &html)
{
    return inlineJsxRe().match(QString::fromUtf8(html)).hasMatch();
}

QByteArray failedModule(const QString &what, const QString &message)
{
    const QByteArray text = QJsonDocument(QJsonObject{{QStringLiteral("m"), QStringLiteral("[KinBot] JSX transpilation failed — check your JSX syntax (%1): %2").arg(what, message)}})
                                .toJson(QJsonDocument::Compact);
    return "console.error(" + text + ".m);";
}

QByteArray renderEntry(const QByteArray &html, const QString &appId, const QByteArray &appJson, const JsxTransform &jsx)
{
    QString doc = QString::fromUtf8(html);

    // 1. Inline JSX → module scripts.
    QString out;
    qsizetype last = 0;
    int block = 0;
    for (auto it = inlineJsxRe().globalMatch(doc); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(doc).mid(last, m.capturedStart() - last);
        const QString name = QStringLiteral("inline-jsx-%1.jsx").arg(++block);
        QByteArray code;
        if (jsx) {
            auto transpiled = jsx(m.captured(1).toUtf8(), name);
            code = transpiled ? transpiled.value() : failedModule(name, transpiled.error().message);
        } else {
            code = failedModule(name, QStringLiteral("no transpiler"));
        }
        out += QStringLiteral("<script type=\"module\">") + QString::fromUtf8(scriptSafe(code)) + QStringLiteral("</script>");
        last = m.capturedEnd();
    }
    out += QStringView(doc).mid(last);
    doc = out;

    // 2. <script type="text/jsx" src="x.jsx"> → a module script (browsers ignore unknown types; /static transpiles it).
    doc.replace(srcJsxRe(), QStringLiteral("<script\\1type=\"module\"\\2>"));

    // 3. The head injection.
    const QString injection = QStringList{
        QStringLiteral("<base href=\"/api/mini-apps/%1/static/\">").arg(appId),
        QStringLiteral("<link rel=\"stylesheet\" href=\"%1kinbot-sdk.css\">").arg(QLatin1String(kSdkBase)),
        QStringLiteral("<script type=\"importmap\">") + QString::fromUtf8(scriptSafe(importMap(appJson))) + QStringLiteral("</script>"),
        QStringLiteral("<script src=\"%1kinbot-sdk.js\"></script>").arg(QLatin1String(kSdkBase)),
        QString::fromLatin1(kThemeSync),
    }.join(QLatin1Char('\n'));

    static const QRegularExpression headRe(QStringLiteral(R"(<head(\s[^>]*)?>)"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression htmlRe(QStringLiteral(R"(<html(\s[^>]*)?>)"), QRegularExpression::CaseInsensitiveOption);
    if (const auto m = headRe.match(doc); m.hasMatch()) {
        doc.insert(m.capturedEnd(), QLatin1Char('\n') + injection + QLatin1Char('\n'));
    } else if (const auto h = htmlRe.match(doc); h.hasMatch()) {
        doc.insert(h.capturedEnd(), QStringLiteral("<head>\n") + injection + QStringLiteral("\n</head>"));
    } else {
        doc = QStringLiteral("<!DOCTYPE html><html><head>\n") + injection + QStringLiteral("\n</head><body>") + doc
              + QStringLiteral("</body></html>");
    }
    return doc.toUtf8();
}

} // namespace kinbot::miniapp

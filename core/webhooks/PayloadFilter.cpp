#include "webhooks/PayloadFilter.h"

#include "webhooks/PayloadPaths.h"

namespace kinbot::payload {

static bool isHex(QChar c)
{
    return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))
           || (c >= QLatin1Char('A') && c <= QLatin1Char('F'));
}

// JavaScript-only spellings → PCRE2 (see compileExpression).
static QString translate(const QString &js)
{
    QString out;
    out.reserve(js.size() + 8);
    for (qsizetype i = 0; i < js.size(); ++i) {
        const QChar c = js.at(i);
        if (c == QLatin1Char('\\') && i + 1 < js.size()) {
            const QChar n = js.at(i + 1);
            if (n == QLatin1Char('u') && i + 5 < js.size() && isHex(js.at(i + 2)) && isHex(js.at(i + 3)) && isHex(js.at(i + 4))
                && isHex(js.at(i + 5))) {
                out += QStringLiteral("\\x{") + js.mid(i + 2, 4) + QLatin1Char('}');
                i += 5;
                continue;
            }
            if (n == QLatin1Char('u') && i + 2 < js.size() && js.at(i + 2) == QLatin1Char('{')) {
                const qsizetype close = js.indexOf(QLatin1Char('}'), i + 3);
                bool hex = close > i + 3;
                for (qsizetype k = i + 3; hex && k < close; ++k)
                    hex = isHex(js.at(k));
                if (hex) {
                    out += QStringLiteral("\\x{") + js.mid(i + 3, close - i - 3) + QLatin1Char('}');
                    i = close;
                    continue;
                }
            }
            out += c;
            out += n;
            ++i;
            continue;
        }
        if (c == QLatin1Char('[') && js.mid(i, 3) == QLatin1String("[^]")) {
            out += QStringLiteral("[\\s\\S]");
            i += 2;
            continue;
        }
        out += c;
    }
    return out;
}

Result<QRegularExpression> compileExpression(const QString &expression)
{
    QRegularExpression re(translate(expression));
    if (!re.isValid())
        return ApiError::validation(QStringLiteral("Invalid regular expression: %1 (at offset %2)")
                                        .arg(re.errorString())
                                        .arg(re.patternErrorOffset()));
    re.optimize();
    return re;
}

Status validate(const WebhookFilter &f)
{
    switch (f.mode) {
    case WebhookFilterMode::None: return {};
    case WebhookFilterMode::Simple:
        if (f.field.trimmed().isEmpty())
            return ApiError::validation(QStringLiteral("filterField is required for a simple filter"));
        return {};
    case WebhookFilterMode::Advanced: {
        if (f.expression.isEmpty())
            return ApiError::validation(QStringLiteral("filterExpression is required for an advanced filter"));
        if (f.expression.size() > kMaxExpressionLength)
            return ApiError::validation(QStringLiteral("filterExpression must be at most %1 characters").arg(kMaxExpressionLength));
        auto re = compileExpression(f.expression);
        if (!re)
            return re.error();
        return {};
    }
    }
    return {};
}

FilterOutcome evaluate(const WebhookFilter &f, const QByteArray &body)
{
    FilterOutcome out;
    switch (f.mode) {
    case WebhookFilterMode::None: return out;
    case WebhookFilterMode::Simple: {
        out.passed = false;
        const auto json = parseJson(body);
        if (!json) {
            out.error = QStringLiteral("non-json");
            return out;
        }
        if (f.field.trimmed().isEmpty()) {
            out.error = QStringLiteral("No filter field");
            return out;
        }
        const auto value = valueAt(*json, f.field.trimmed());
        if (!value)
            return out;
        out.extractedValue = jsString(*value);
        const QString got = out.extractedValue->toLower();
        for (const QString &allowed : f.allowedValues)
            if (allowed.toLower() == got)
                out.passed = true;
        return out;
    }
    case WebhookFilterMode::Advanced: {
        if (f.expression.size() > kMaxExpressionLength) {
            out.passed = false;
            out.error = QStringLiteral("Expression longer than %1 characters").arg(kMaxExpressionLength);
            return out;
        }
        auto re = compileExpression(f.expression);
        if (!re) {
            out.passed = false;
            out.error = re.error().message;
            return out;
        }
        out.passed = re->match(QString::fromUtf8(body)).hasMatch();
        return out;
    }
    }
    return out;
}

} // namespace kinbot::payload

// Plugins (engine.md §11, rest.md §3.9): manifests and semver ranges, the JS host, tools offered to Kins, hooks,
// config secrets, health and auto-disable, http permissions, and every /api/plugins route over real loopback HTTP.
#include "KinFixture.h"

#include "plugins/PluginDependencies.h"
#include "plugins/PluginFiles.h"
#include "plugins/PluginManifest.h"
#include "plugins/PluginService.h"
#include "plugins/Semver.h"
#include "storage/Database.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

using namespace kinbot;
using namespace kinbot::plugins;
using namespace kinbot::test;

namespace {

const QString kFixtures = QStringLiteral(KINBOT_PLUGIN_FIXTURES);

bool satisfies(const QString &version, const QString &range)
{
    return semverSatisfies(*Semver::parse(version), range).value_or(false);
}

// Copies the named fixture plugins into the server's plugins directory before it starts (they are scanned at boot).
std::function<void(ServerConfig &)> withPlugins(const QStringList &names)
{
    return [names](ServerConfig &c) {
        c.allowPrivateNetwork = true; // the fetcher fixture talks to a loopback server
        for (const QString &n : names)
            QVERIFY(copyPluginDirectory(kFixtures + QLatin1Char('/') + n, c.dataDir + QStringLiteral("/plugins/") + n).ok());
    };
}

QJsonObject findPlugin(const QJsonArray &list, const QString &name)
{
    for (const QJsonValue &v : list)
        if (v.toObject().value("name").toString() == name)
            return v.toObject();
    return {};
}

// Calls a plugin tool as a Kin's turn would and waits for the answer.
QJsonValue callTool(KinFixture &f, const QString &plugin, const QString &tool, const QJsonObject &args = {})
{
    std::optional<QJsonValue> result;
    f.server.platform().plugins().callTool(plugin, tool, args, QJsonObject{{"kinId", "kin-1"}}, [&](QJsonValue v) { result = v; });
    QElapsedTimer t;
    t.start();
    while (!result && t.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return result.value_or(QJsonValue(QJsonObject{{"error", "the test timed out"}}));
}

QString stored(KinFixture &f, const QString &plugin, const QString &key)
{
    auto row = f.server.platform().database().selectOne(QStringLiteral("SELECT value FROM plugin_storage WHERE plugin_name = ? AND key = ?"), {plugin, key});
    return row && row.value() ? row.value()->value(0).toString() : QString();
}

} // namespace

class TestPlugins : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- units ------------------------------------------------------------------------------------------------------

    void semverRanges()
    {
        QVERIFY(!Semver::parse("1.2"));
        QVERIFY(!Semver::parse("01.2.3"));
        QCOMPARE(Semver::parse("v1.2.3-beta.2+build")->prerelease, QStringLiteral("beta.2"));
        QVERIFY(Semver::parse("1.0.0-alpha")->compare(*Semver::parse("1.0.0")) < 0);
        QVERIFY(Semver::parse("1.0.0-alpha.2")->compare(*Semver::parse("1.0.0-alpha.10")) < 0);
        QVERIFY(Semver::parse("1.10.0")->compare(*Semver::parse("1.9.9")) > 0);

        QVERIFY(satisfies("1.4.2", "^1.2.3"));
        QVERIFY(!satisfies("2.0.0", "^1.2.3"));
        QVERIFY(!satisfies("1.2.2", "^1.2.3"));
        QVERIFY(satisfies("0.2.5", "^0.2.3"));
        QVERIFY(!satisfies("0.3.0", "^0.2.3"));
        QVERIFY(!satisfies("0.0.4", "^0.0.3"));
        QVERIFY(satisfies("1.2.9", "~1.2.3"));
        QVERIFY(!satisfies("1.3.0", "~1.2.3"));
        QVERIFY(satisfies("1.9.0", "~1"));
        QVERIFY(satisfies("1.5.0", ">=1.2.0 <2"));
        QVERIFY(!satisfies("2.0.0", ">=1.2.0 <2"));
        QVERIFY(satisfies("1.3.0", ">1.2"));
        QVERIFY(!satisfies("1.2.7", ">1.2"));
        QVERIFY(satisfies("1.2.7", "<=1.2"));
        QVERIFY(satisfies("1.7.0", "1.x"));
        QVERIFY(!satisfies("2.0.0", "1.x"));
        QVERIFY(satisfies("1.2.4", "1.2.*"));
        QVERIFY(satisfies("5.0.0", "*"));
        QVERIFY(satisfies("5.0.0", ""));
        QVERIFY(satisfies("3.1.0", "^1.0.0 || ^3.0.0"));
        QVERIFY(!satisfies("2.1.0", "^1.0.0 || ^3.0.0"));
        QVERIFY(satisfies("1.3.5", "1.2 - 1.4"));
        QVERIFY(!satisfies("1.5.0", "1.2 - 1.4"));
        QVERIFY(satisfies("1.2.3", "= 1.2.3"));
        QVERIFY(satisfies("1.2.3", ">= 1.0.0"));
        QVERIFY(!isValidSemverRange("banana"));
        QVERIFY(!isValidSemverRange(">=1.2.3.4"));
    }

    void manifestValidation()
    {
        const QJsonObject good{{"name", "my-plugin"}, {"version", "1.0.0"}, {"description", "d"}, {"main", "index.js"}};
        QVERIFY(parseManifest(good).ok());
        for (const char *field : {"name", "version", "description", "main"}) {
            QJsonObject o = good;
            o.remove(field);
            auto m = parseManifest(o);
            QVERIFY(!m.ok());
            QVERIFY2(m.error().message.contains(QLatin1String(field)), qPrintable(m.error().message));
        }
        auto check = [&](const QJsonObject &patch, const QString &expect) {
            QJsonObject o = good;
            for (auto it = patch.begin(); it != patch.end(); ++it)
                o.insert(it.key(), it.value());
            auto m = parseManifest(o);
            QVERIFY2(!m.ok() && m.error().message.contains(expect), qPrintable(m.ok() ? QStringLiteral("accepted") : m.error().message));
        };
        check({{"name", "My_Plugin"}}, "[a-z0-9-]+");
        check({{"version", "1.0"}}, "semantic version");
        check({{"kinbot", "not a range"}}, "kinbot");
        check({{"permissions", "http:x"}}, "permissions");
        check({{"dependencies", QJsonObject{{"other", "nope"}}}}, "dependencies.other");
        check({{"config", QJsonObject{{"k", QJsonObject{{"type", "color"}}}}}}, "config.k.type");
        check({{"config", QJsonObject{{"k", QJsonObject{{"type", "select"}}}}}}, "config.k.options");

        // Config values against the schema.
        QJsonObject withConfig = good;
        withConfig.insert("permissions", QJsonArray{"http:API.example.com", "storage"});
        withConfig.insert("config", QJsonObject{{"token", QJsonObject{{"type", "password"}, {"required", true}}},
                                                {"n", QJsonObject{{"type", "number"}, {"min", 1}, {"max", 3}, {"default", 2}}},
                                                {"on", QJsonObject{{"type", "boolean"}}},
                                                {"pick", QJsonObject{{"type", "select"}, {"options", QJsonArray{"x", QJsonObject{{"value", "y"}, {"label", "Y"}}}}}}});
        const PluginManifest m = parseManifest(withConfig).value();
        QCOMPARE(m.httpHosts(), QStringList{"api.example.com"});
        QVERIFY(m.field("token")->secret);
        QVERIFY(!validateConfig(m, {}).ok()); // token required
        const QJsonObject ok = validateConfig(m, {{"token", "t"}, {"pick", "y"}, {"extra", 1}}).value();
        QCOMPARE(ok.value("n").toInt(), 2); // default applied
        QVERIFY(!ok.contains("extra"));
        QVERIFY(!validateConfig(m, {{"token", "t"}, {"n", 4}}).ok());
        QVERIFY(!validateConfig(m, {{"token", "t"}, {"n", 0}}).ok());
        QVERIFY(!validateConfig(m, {{"token", "t"}, {"n", "2"}}).ok());
        QVERIFY(!validateConfig(m, {{"token", "t"}, {"on", "yes"}}).ok());
        QVERIFY(!validateConfig(m, {{"token", "t"}, {"pick", "z"}}).ok());
        QVERIFY(!validateConfig(m, {{"token", 5}}).ok());

        // Compatibility with the app version.
        PluginManifest future = parseManifest(good).value();
        future.kinbot = ">=2.0.0";
        QVERIFY(compatibilityError(future, "1.5.0").contains(">=2.0.0"));
        QVERIFY(compatibilityError(future, "2.1.0").isEmpty());
    }

    void dependencyPlan()
    {
        auto manifest = [](const QString &name, const QString &version, const QMap<QString, QString> &deps) {
            PluginManifest m;
            m.name = name;
            m.version = version;
            m.dependencies = deps;
            return m;
        };
        const QList<PluginManifest> all{manifest("app", "1.0.0", {{"lib", "^2.0.0"}}), manifest("lib", "2.3.0", {{"base", "*"}}),
                                        manifest("base", "1.0.0", {}), manifest("old", "1.0.0", {{"lib", "^1.0.0"}}),
                                        manifest("lost", "1.0.0", {{"nowhere", "*"}}), manifest("x", "1.0.0", {{"y", "*"}}),
                                        manifest("y", "1.0.0", {{"z", "*"}}), manifest("z", "1.0.0", {{"x", "*"}}),
                                        manifest("above-cycle", "1.0.0", {{"x", "*"}})};
        const DependencyPlan plan = planDependencies(all);
        QCOMPARE(plan.order, QStringList({"base", "lib", "app"}));
        QVERIFY(plan.errors.value("old").contains("not satisfied"));
        QVERIFY(plan.errors.value("lost").contains("Missing dependency nowhere"));
        for (const char *n : {"x", "y", "z"})
            QVERIFY2(plan.errors.value(n).startsWith("Dependency cycle"), qPrintable(plan.errors.value(n)));
        QVERIFY(plan.errors.value("above-cycle").contains("cannot be loaded"));
        QCOMPARE(dependentsOf(all, "lib"), QStringList({"app", "old"}));
    }

    // --- over HTTP --------------------------------------------------------------------------------------------------

    void listShapesAndReadOnlyRoutes()
    {
        KinFixture f(withPlugins({"greeter", "bad-manifest", "cycle-a", "cycle-b", "too-new"}));
        HttpResponse r = f.api->get("/api/plugins");
        QCOMPARE(r.status, 200);
        const QJsonArray list = QJsonDocument::fromJson(r.body).array();
        QCOMPARE(list.size(), 5);
        const QJsonObject greeter = findPlugin(list, "greeter");
        for (const char *key : {"name", "version", "description", "author", "homepage", "license", "icon", "permissions", "enabled", "error",
                                "toolCount", "hookCount", "providerCount", "channelCount", "providers", "channels", "configSchema",
                                "dependencies", "dependents", "installSource", "installMeta", "compatible", "health"})
            QVERIFY2(greeter.contains(QLatin1String(key)), key);
        QCOMPARE(greeter.value("version").toString(), QStringLiteral("1.2.0"));
        QCOMPARE(greeter.value("enabled").toBool(), false);
        QVERIFY(greeter.value("error").isNull());
        QCOMPARE(greeter.value("compatible").toBool(), true);
        QVERIFY(greeter.value("configSchema").toObject().contains("apiKey"));
        QCOMPARE(greeter.value("health").toObject().value("consecutiveErrors").toInt(), 0);
        // The invalid manifest is listed under its directory, with the reason, and not loaded.
        const QJsonObject bad = findPlugin(list, "bad-manifest");
        QVERIFY2(bad.value("error").toString().contains("name"), qPrintable(bad.value("error").toString()));
        QVERIFY(findPlugin(list, "cycle-a").value("error").toString().contains("Dependency cycle"));
        QCOMPARE(findPlugin(list, "cycle-b").value("dependents").toArray(), QJsonArray{"cycle-a"});
        const QJsonObject future = findPlugin(list, "too-new");
        QCOMPARE(future.value("compatible").toBool(), false);
        QVERIFY(future.value("compatibilityError").toString().contains(">=99.0.0"));

        QCOMPARE(f.api->get("/api/plugins/greeter").json().value("name").toString(), QStringLiteral("greeter"));
        r = f.api->get("/api/plugins/nope");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("PLUGIN_NOT_FOUND"));
        QVERIFY(f.api->get("/api/plugins/greeter/readme").json().value("readme").toString().startsWith("# Greeter"));
        QVERIFY(f.api->get("/api/plugins/cycle-a/readme").json().value("readme").isNull());
        QCOMPARE(f.api->get("/api/plugins/nope/readme").status, 404);
        // Static paths are not shadowed by /:name.
        r = f.api->get("/api/plugins/updates");
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value("updates").isArray());
        QCOMPARE(f.api->get("/api/plugins/version").json().value("version").toString(), kinbotVersion());

        // Invalid plugins cannot be enabled.
        r = f.api->postJson("/api/plugins/bad-manifest/enable", {});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("PLUGIN_INVALID"));
        QCOMPARE(f.api->postJson("/api/plugins/cycle-a/enable", {}).status, 400);
        QCOMPARE(f.api->postJson("/api/plugins/nope/enable", {}).status, 404);
    }

    void activationFailure()
    {
        KinFixture f(withPlugins({"broken-factory"}));
        // The required config field is missing: refused before any code runs.
        HttpResponse r = f.api->postJson("/api/plugins/broken-factory/enable", {});
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("PLUGIN_ACTIVATION_FAILED"));
        QVERIFY2(r.json().value("error").toObject().value("message").toString().contains("config.token is required"), r.body.constData());
        // The factory throws: the reason comes back, the plugin stays disabled and shows the error.
        QCOMPARE(f.api->putJson("/api/plugins/broken-factory/config", {{"token", "wrong"}}).status, 200);
        r = f.api->postJson("/api/plugins/broken-factory/enable", {});
        QCOMPARE(r.status, 422);
        QVERIFY2(r.json().value("error").toObject().value("message").toString().contains("no entry without the token"), r.body.constData());
        QJsonObject summary = f.api->get("/api/plugins/broken-factory").json();
        QCOMPARE(summary.value("enabled").toBool(), false);
        QVERIFY(summary.value("error").toString().contains("no entry without the token"));
        // Fixed config: it starts.
        QCOMPARE(f.api->putJson("/api/plugins/broken-factory/config", {{"token", "let-me-in"}}).status, 200);
        r = f.api->postJson("/api/plugins/broken-factory/enable", {});
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value("error").isNull());
        QCOMPARE(r.json().value("active").toBool(), true);
    }

    void accessControl()
    {
        KinFixture f(withPlugins({"greeter"}));
        HttpClient anonymous = f.server.client();
        QCOMPARE(anonymous.get("/api/plugins").status, 401);
        QCOMPARE(anonymous.postJson("/api/plugins/greeter/enable", {}).status, 401);
        const TestUser member = f.addMember(QStringLiteral("bob"));
        HttpClient bob = f.server.clientFor(member);
        QCOMPARE(bob.get("/api/plugins").status, 200);
        QCOMPARE(bob.get("/api/plugins/greeter/config").status, 200);
        for (const auto &[method, path] : QList<QPair<QByteArray, QByteArray>>{{"POST", "/api/plugins/greeter/enable"},
                                                                              {"POST", "/api/plugins/greeter/disable"},
                                                                              {"PUT", "/api/plugins/greeter/config"},
                                                                              {"POST", "/api/plugins/greeter/health/reset"},
                                                                              {"POST", "/api/plugins/reload"},
                                                                              {"POST", "/api/plugins/install"},
                                                                              {"DELETE", "/api/plugins/greeter"}}) {
            const HttpResponse r = method == "DELETE" ? bob.del(path) : method == "PUT" ? bob.putJson(path, {}) : bob.postJson(path, {});
            QVERIFY2(r.status == 403, qPrintable(QString::fromLatin1(method + " " + path) + QStringLiteral(" → %1").arg(r.status)));
        }
        QCOMPARE(f.api->get("/api/plugins/greeter").json().value("enabled").toBool(), false);
    }

    void enabledToolIsOfferedCalledAndHooked()
    {
        KinFixture f(withPlugins({"greeter"}));
        auto sse = f.openSse();
        HttpResponse r = f.api->postJson("/api/plugins/greeter/enable", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("enabled").toBool(), true);
        QCOMPARE(r.json().value("toolCount").toInt(), 2);
        QCOMPARE(r.json().value("hookCount").toInt(), 2);
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:enabled") && fr.data.value("pluginName") == "greeter"; }, 5000));

        const QString provider = f.addProvider();
        const QString kinId = f.addKin(QStringLiteral("Greta"), provider).value("id").toString();
        const QString other = f.addKin(QStringLiteral("Otto"), f.addProvider(QStringLiteral("Second"))).value("id").toString();
        r = f.api->patchJson("/api/kins/" + kinId.toUtf8(), {{"toolConfig", QJsonObject{{"enabledOptInTools", QJsonArray{"plugin_greeter_greet"}}}}});
        QCOMPARE(r.status, 200);
        // Listed among the Kin's tools, opt-in.
        QJsonObject group;
        for (const QJsonValue &g : f.api->get("/api/kins/" + kinId.toUtf8() + "/tools").json().value("nativeTools").toArray())
            if (g.toObject().value("domain") == "plugin:greeter")
                group = g.toObject();
        QCOMPARE(group.value("tools").toArray().size(), 2);
        for (const QJsonValue &t : group.value("tools").toArray()) {
            QCOMPARE(t.toObject().value("defaultDisabled").toBool(), true);
            QCOMPARE(t.toObject().value("enabled").toBool(), t.toObject().value("name") == "plugin_greeter_greet");
        }

        // The Hub Kin gets every plugin tool without opting in.
        QCOMPARE(f.api->putJson("/api/settings/hub", {{"kinId", other}}).status, 200);
        for (const QJsonValue &g : f.api->get("/api/kins/" + other.toUtf8() + "/tools").json().value("nativeTools").toArray())
            if (g.toObject().value("domain") == "plugin:greeter")
                for (const QJsonValue &t : g.toObject().value("tools").toArray())
                    QVERIFY(t.toObject().value("enabled").toBool());
        QCOMPARE(f.api->putJson("/api/settings/hub", {{"kinId", QJsonValue()}}).status, 200);

        f.fake.enqueue(FakeReply::toolCalls({{QStringLiteral("g1"), QStringLiteral("plugin_greeter_greet"), R"({"name": "Ada"})"}}));
        f.fake.enqueue(FakeReply::text({QStringLiteral("Done.")}));
        QCOMPARE(f.send(kinId, QStringLiteral("greet Ada")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", kinId); }, 20000));
        const QList<FakeRequest> chats = f.fake.chatRequests();
        QCOMPARE(chats.size(), 2);
        QStringList offered;
        QJsonObject greet;
        for (const QJsonValue &t : chats[0].json.value("tools").toArray()) {
            const QJsonObject fn = t.toObject().value("function").toObject();
            offered << fn.value("name").toString();
            if (fn.value("name") == "plugin_greeter_greet")
                greet = fn;
        }
        QVERIFY(offered.contains("plugin_greeter_greet"));
        QVERIFY(!offered.contains("plugin_greeter_keys")); // not opted in
        QCOMPARE(greet.value("description").toString(), QStringLiteral("[Plugin: greeter] Greets someone by name"));
        QCOMPARE(greet.value("parameters").toObject().value("required").toArray(), QJsonArray{"name"});
        // The result went back to the model in the next request.
        const QJsonObject toolMessage = chats[1].json.value("messages").toArray().last().toObject();
        QCOMPARE(toolMessage.value("role").toString(), QStringLiteral("tool"));
        const QJsonObject result = QJsonDocument::fromJson(toolMessage.value("content").toString().toUtf8()).object();
        QCOMPARE(result.value("text").toString(), QStringLiteral("Hello, Ada"));
        QCOMPARE(result.value("kinId").toString(), kinId);
        QCOMPARE(result.value("plugin").toString(), QStringLiteral("greeter"));
        QCOMPARE(result.value("count").toInt(), 1);
        // Hooks ran (fire-and-forget) and left their trace in the plugin's storage.
        QTRY_COMPARE_WITH_TIMEOUT(stored(f, "greeter", "hook:afterToolCall"), QStringLiteral("\"plugin_greeter_greet\""), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stored(f, "greeter", "hook:beforeChat"), QStringLiteral("\"greet Ada\""), 5000);

        // A Kin that did not opt in is not offered plugin tools.
        f.fake.enqueue(FakeReply::text({QStringLiteral("hi")}));
        QCOMPARE(f.send(other, QStringLiteral("hello")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", other); }, 20000));
        for (const QJsonValue &t : f.fake.chatRequests().last().json.value("tools").toArray())
            QVERIFY(!t.toObject().value("function").toObject().value("name").toString().startsWith(QStringLiteral("plugin_")));

        // Disabled: gone from the Kin's turn.
        QCOMPARE(f.api->postJson("/api/plugins/greeter/disable", {}).json().value("enabled").toBool(), false);
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:disabled"); }, 5000));
        f.fake.enqueue(FakeReply::text({QStringLiteral("ok")}));
        QCOMPARE(f.send(kinId, QStringLiteral("again")).status, 202);
        QVERIFY(sse->waitFor([&](const SseFrame &fr) { return isEvent(fr, "chat:done", kinId) && fr.data.value("content") == "ok"; }, 20000));
        for (const QJsonValue &t : f.fake.chatRequests().last().json.value("tools").toArray())
            QVERIFY(!t.toObject().value("function").toObject().value("name").toString().startsWith(QStringLiteral("plugin_")));
    }

    void storagePersistsAcrossReload()
    {
        KinFixture f(withPlugins({"greeter"}));
        QCOMPARE(f.api->postJson("/api/plugins/greeter/enable", {}).status, 200);
        QCOMPARE(callTool(f, "greeter", "greet", {{"name", "A"}}).toObject().value("count").toInt(), 1);
        QCOMPARE(callTool(f, "greeter", "greet", {{"name", "B"}}).toObject().value("count").toInt(), 2);
        auto sse = f.openSse();
        HttpResponse r = f.api->postJson("/api/plugins/reload", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value("success").toBool(), true);
        QCOMPARE(findPlugin(r.json().value("plugins").toArray(), "greeter").value("enabled").toBool(), true);
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:reloaded"); }, 5000));
        // A fresh engine, the same storage.
        QCOMPARE(callTool(f, "greeter", "greet", {{"name", "C"}}).toObject().value("count").toInt(), 3);
        QCOMPARE(callTool(f, "greeter", "keys", {{"prefix", "cou"}}).toObject().value("keys").toArray(), QJsonArray{"count"});
        QCOMPARE(callTool(f, "greeter", "keys").toObject().value("keys").toArray(), QJsonArray{"count"});
    }

    void configSecretsAreMaskedAndEncrypted()
    {
        KinFixture f(withPlugins({"greeter"}));
        auto sse = f.openSse();
        QCOMPARE(f.api->postJson("/api/plugins/greeter/enable", {}).status, 200);
        QJsonObject config = f.api->get("/api/plugins/greeter/config").json();
        QCOMPARE(config.value("greeting").toString(), QStringLiteral("Hello")); // defaults
        QVERIFY(!config.contains("apiKey"));

        const QString secret = QStringLiteral("sk-plugin-secret-42");
        HttpResponse r = f.api->putJson("/api/plugins/greeter/config", {{"greeting", "Hi"}, {"apiKey", secret}, {"mode", "b"}, {"count", 3}});
        QVERIFY2(r.status == 200, r.body.constData());
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:configUpdated") && fr.data.value("pluginName") == "greeter"; }, 5000));
        config = f.api->get("/api/plugins/greeter/config").json();
        QCOMPARE(config.value("apiKey").toString(), QString::fromUtf8(PluginService::kSecretMask));
        QCOMPARE(config.value("greeting").toString(), QStringLiteral("Hi"));
        // Encrypted at rest: the column holds neither the secret nor the other values in clear.
        const QString sealed = f.server.platform().plugins().sealedConfig("greeter").value();
        QVERIFY(!sealed.isEmpty());
        QVERIFY(!sealed.contains(secret));
        QVERIFY(!sealed.contains("greeting"));
        // The running plugin was restarted with the new config, secret decrypted.
        QJsonObject result = callTool(f, "greeter", "greet", {{"name", "Bo"}}).toObject();
        QCOMPARE(result.value("text").toString(), QStringLiteral("Hi, Bo"));
        QCOMPARE(result.value("keyLength").toInt(), secret.size());
        QCOMPARE(result.value("mode").toString(), QStringLiteral("b"));

        // Sending the mask back keeps the stored secret.
        r = f.api->putJson("/api/plugins/greeter/config", {{"greeting", "Yo"}, {"apiKey", QString::fromUtf8(PluginService::kSecretMask)}});
        QCOMPARE(r.status, 200);
        result = callTool(f, "greeter", "greet", {{"name", "Cy"}}).toObject();
        QCOMPARE(result.value("text").toString(), QStringLiteral("Yo, Cy"));
        QCOMPARE(result.value("keyLength").toInt(), secret.size());

        // Validation against the schema.
        for (const QJsonObject &bad : QList<QJsonObject>{{{"mode", "z"}}, {{"count", 9}}, {{"count", 0}}, {{"count", "2"}}, {{"greeting", 5}}}) {
            r = f.api->putJson("/api/plugins/greeter/config", bad);
            QVERIFY2(r.status == 400, r.body.constData());
            QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("VALIDATION_ERROR"));
        }
        QCOMPARE(f.api->postRaw("/api/plugins/greeter/config", "[1]").status, 405); // only GET and PUT
        HttpResponse notObject = f.api->request("PUT", "/api/plugins/greeter/config", "[1]", {{"Content-Type", "application/json"}});
        QCOMPARE(notObject.status, 400);
        QCOMPARE(f.api->putJson("/api/plugins/nope/config", {}).status, 404);
        QCOMPARE(f.api->get("/api/plugins/nope/config").status, 404);
        // The secret is still the first one.
        QCOMPARE(callTool(f, "greeter", "greet", {{"name", "D"}}).toObject().value("keyLength").toInt(), secret.size());
    }

    void repeatedErrorsAutoDisable()
    {
        KinFixture f(withPlugins({"thrower"}));
        auto sse = f.openSse();
        QCOMPARE(f.api->postJson("/api/plugins/thrower/enable", {}).status, 200);
        // A failing hook is swallowed but counted.
        f.server.platform().plugins().fireHook(QStringLiteral("beforeChat"), {{"kinId", "k"}});
        QTRY_COMPARE_WITH_TIMEOUT(f.api->get("/api/plugins/thrower").json().value("health").toObject().value("totalErrors").toInt(), 1, 5000);
        QVERIFY(f.api->get("/api/plugins/thrower").json().value("health").toObject().value("lastError").toString().contains("hook broke"));
        f.server.platform().plugins().fireHook(QStringLiteral("afterChat"), {{"kinId", "k"}}); // not declared: nothing runs
        for (int i = 0; i < 8; ++i)
            QVERIFY(callTool(f, "thrower", "boom").toObject().value("error").toString().contains("kaboom"));
        // A success resets the consecutive count.
        QCOMPARE(callTool(f, "thrower", "fine").toString(), QStringLiteral("fine"));
        QJsonObject health = f.api->get("/api/plugins/thrower").json().value("health").toObject();
        QCOMPARE(health.value("consecutiveErrors").toInt(), 0);
        QCOMPARE(health.value("totalErrors").toInt(), 9);
        QVERIFY(health.value("lastError").toString().contains("kaboom"));
        for (int i = 0; i < 9; ++i)
            callTool(f, "thrower", "boom");
        QCOMPARE(f.api->get("/api/plugins/thrower").json().value("enabled").toBool(), true);
        QVERIFY(callTool(f, "thrower", "boom").toObject().value("error").toString().contains("kaboom")); // the 10th in a row
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:autoDisabled") && fr.data.value("pluginName") == "thrower"; }, 5000));
        const QJsonObject summary = f.api->get("/api/plugins/thrower").json();
        QCOMPARE(summary.value("enabled").toBool(), false);
        QCOMPARE(summary.value("toolCount").toInt(), 0);
        QCOMPARE(summary.value("health").toObject().value("autoDisabled").toBool(), true);
        QVERIFY(callTool(f, "thrower", "fine").toObject().value("error").toString().contains("not running"));
        bool notified = false;
        for (const QJsonValue &n : f.api->get("/api/notifications").json().value("notifications").toArray())
            notified = notified || n.toObject().value("type") == "plugin:auto-disabled";
        QVERIFY(notified);
        // Health reset.
        HttpResponse r = f.api->postJson("/api/plugins/thrower/health/reset", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(f.api->get("/api/plugins/thrower").json().value("health").toObject().value("totalErrors").toInt(), 0);
        QCOMPARE(f.api->postJson("/api/plugins/nope/health/reset", {}).status, 404);
    }

    void stuckToolTimesOutAndTheEngineServesOn()
    {
        KinFixture f([](ServerConfig &c) {
            withPlugins({"thrower"})(c);
            c.pluginTimeoutMs = 1500;
        });
        QCOMPARE(f.api->postJson("/api/plugins/thrower/enable", {}).status, 200);
        QElapsedTimer t;
        t.start();
        const QString error = callTool(f, "thrower", "spin").toObject().value("error").toString();
        QVERIFY2(error.contains("did not answer within 1500 ms"), qPrintable(error));
        QVERIFY(t.elapsed() < 10000);
        // Interrupted, not dropped: the same engine answers the next call.
        QCOMPARE(callTool(f, "thrower", "fine").toString(), QStringLiteral("fine"));
        const QJsonObject health = f.api->get("/api/plugins/thrower").json().value("health").toObject();
        QCOMPARE(health.value("totalErrors").toInt(), 1);
        QCOMPARE(health.value("consecutiveErrors").toInt(), 0);
    }

    void httpPermissions()
    {
        KinFixture f(withPlugins({"fetcher"}));
        QCOMPARE(f.api->postJson("/api/plugins/fetcher/enable", {}).status, 200);
        const QString port = QString::number(f.fake.port());
        const QJsonObject allowed = callTool(f, "fetcher", "get", {{"url", "http://127.0.0.1:" + port + "/v1/models"}}).toObject();
        QVERIFY2(allowed.value("status").toInt() == 200, QJsonDocument(allowed).toJson().constData());
        QVERIFY(allowed.value("length").toInt() > 0);
        const QString refused = callTool(f, "fetcher", "get", {{"url", "http://localhost:" + port + "/v1/models"}}).toObject().value("error").toString();
        QVERIFY2(refused.contains("http:localhost"), qPrintable(refused));
        QVERIFY(f.fake.requests().size() == 1); // the refused one never left
    }

    void installFromGit()
    {
        // A repository on disk, cloned over file:// (offline).
        QTemporaryDir repos;
        const QString repo = repos.filePath("greeter-repo");
        QVERIFY(copyPluginDirectory(kFixtures + "/greeter", repo).ok());
        auto git = [&](const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(repo);
            p.start("git", QStringList{"-c", "user.email=t@example.test", "-c", "user.name=T", "-c", "init.defaultBranch=main"} + args);
            return p.waitForFinished(20000) && p.exitCode() == 0;
        };
        QVERIFY(git({"init", "-q"}));
        QVERIFY(git({"add", "."}));
        QVERIFY(git({"commit", "-q", "-m", "plugin"}));

        KinFixture f;
        auto sse = f.openSse();
        HttpResponse r = f.api->postJson("/api/plugins/install", {{"source", "git"}, {"url", "file://" + repo}});
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value("name").toString(), QStringLiteral("greeter"));
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:installed"); }, 5000));
        const QJsonObject summary = f.api->get("/api/plugins/greeter").json();
        QCOMPARE(summary.value("installSource").toString(), QStringLiteral("git"));
        QCOMPARE(summary.value("installMeta").toObject().value("url").toString(), "file://" + repo);
        QVERIFY(QFileInfo::exists(f.server.dataDir() + "/data/plugins/greeter/lib/format.js"));
        QCOMPARE(f.api->postJson("/api/plugins/greeter/enable", {}).status, 200);
        QCOMPARE(callTool(f, "greeter", "greet", {{"name", "Git"}}).toObject().value("text").toString(), QStringLiteral("Hello, Git"));
        // The same plugin again, and a repository that does not exist.
        r = f.api->postJson("/api/plugins/install", {{"source", "git"}, {"url", repo}});
        QCOMPARE(r.status, 409);
        r = f.api->postJson("/api/plugins/install", {{"source", "git"}, {"url", "file://" + repos.filePath("missing")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value("error").toObject().value("code").toString(), QStringLiteral("INSTALL_FAILED"));
        // Nothing half-cloned is left behind.
        QCOMPARE(QDir(f.server.dataDir() + "/data/plugins").entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{"greeter"});
    }

    void installAndUninstall()
    {
        KinFixture f;
        auto sse = f.openSse();
        QCOMPARE(QJsonDocument::fromJson(f.api->get("/api/plugins").body).array().size(), 0);
        auto code = [](const HttpResponse &r) { return r.json().value("error").toObject().value("code").toString(); };
        HttpResponse r = f.api->postJson("/api/plugins/install", {{"source", "ftp"}});
        QCOMPARE(r.status, 400);
        QCOMPARE(code(r), QStringLiteral("INVALID_SOURCE"));
        r = f.api->postJson("/api/plugins/install", {{"source", "git"}});
        QCOMPARE(code(r), QStringLiteral("MISSING_URL"));
        r = f.api->postJson("/api/plugins/install", {{"source", "git"}, {"url", "ext::sh -c touch% /tmp/pwned"}});
        QCOMPARE(code(r), QStringLiteral("INVALID_URL"));
        r = f.api->postJson("/api/plugins/install", {{"source", "npm"}, {"package", "kinbot-plugin-x"}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains("not supported"));
        QCOMPARE(code(f.api->postJson("/api/plugins/install", {{"source", "npm"}})), QStringLiteral("MISSING_PACKAGE"));
        QCOMPARE(f.api->postJson("/api/plugins/install", {{"source", "local"}}).status, 400);
        QCOMPARE(f.api->postJson("/api/plugins/install", {{"source", "local"}, {"path", "relative/dir"}}).status, 400);
        r = f.api->postJson("/api/plugins/install", {{"source", "local"}, {"path", kFixtures + "/bad-manifest"}});
        QCOMPARE(r.status, 400);
        QCOMPARE(code(r), QStringLiteral("VALIDATION_ERROR"));

        r = f.api->postJson("/api/plugins/install", {{"source", "local"}, {"path", kFixtures + "/greeter"}});
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value("name").toString(), QStringLiteral("greeter"));
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:installed") && fr.data.value("pluginName") == "greeter"; }, 5000));
        const QString dir = f.server.dataDir() + "/data/plugins/greeter";
        QVERIFY(QFileInfo::exists(dir + "/lib/format.js"));
        QJsonObject summary = f.api->get("/api/plugins/greeter").json();
        QCOMPARE(summary.value("installSource").toString(), QStringLiteral("local"));
        QCOMPARE(summary.value("installMeta").toObject().value("path").toString(), kFixtures + "/greeter");
        r = f.api->postJson("/api/plugins/install", {{"source", "local"}, {"path", kFixtures + "/greeter"}});
        QCOMPARE(r.status, 409);
        QCOMPARE(code(r), QStringLiteral("PLUGIN_EXISTS"));

        // Runs, stores, then goes entirely.
        QCOMPARE(f.api->postJson("/api/plugins/greeter/enable", {}).status, 200);
        QCOMPARE(callTool(f, "greeter", "greet", {{"name", "E"}}).toObject().value("count").toInt(), 1);
        QCOMPARE(f.api->putJson("/api/plugins/greeter/config", {{"apiKey", "k"}}).status, 200);
        r = f.api->del("/api/plugins/greeter");
        QCOMPARE(r.status, 200);
        QVERIFY(sse->waitFor([](const SseFrame &fr) { return isEvent(fr, "plugin:uninstalled") && fr.data.value("pluginName") == "greeter"; }, 5000));
        QVERIFY(!QFileInfo::exists(dir));
        QCOMPARE(f.api->get("/api/plugins/greeter").status, 404);
        QVERIFY(stored(f, "greeter", "count").isEmpty());
        auto state = f.server.platform().database().selectOne(QStringLiteral("SELECT name FROM plugin_states WHERE name = ?"), {QStringLiteral("greeter")});
        QVERIFY(state.ok() && !state.value());
        QVERIFY(callTool(f, "greeter", "greet", {{"name", "F"}}).toObject().value("error").toString().contains("not running"));
        QCOMPARE(f.api->del("/api/plugins/greeter").status, 404);
        // Installed again: a clean slate.
        QCOMPARE(f.api->postJson("/api/plugins/install", {{"source", "local"}, {"path", kFixtures + "/greeter"}}).status, 200);
        QCOMPARE(f.api->get("/api/plugins/greeter").json().value("enabled").toBool(), false);
    }
};

QTEST_MAIN(TestPlugins)
#include "tst_plugins.moc"

// Contacts in and out as CSV (issue 28) through nginx and textus-contacts: a preview that writes
// nothing and counts what the import then does, line-numbered errors, duplicates in the file
// and against the database, consent only with the file's evidence and never over an opt-out,
// existing contacts changed only in the fields chosen, an export that spreadsheets cannot run,
// and a round trip that changes nothing.
#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

Reply import_csv(const std::string& csv, const std::string& query = "",
                 const std::string& key = "<staff>") {
    return stack().request("POST", "/api/crm/contacts/import" + query, csv, key, "text/csv");
}

// A name no other test uses: this run's contacts, found by search.
std::string family() {
    static int n = 0;
    return "Imported" + std::to_string(stack().port) + "x" + std::to_string(++n);
}

std::string contacts_named(const std::string& last) {
    return q("SELECT count(*) FROM contacts WHERE last_name = '" + last + "'");
}

// Everything a round trip must leave as it was: the contacts of `last` and their consent log.
std::string snapshot(const std::string& last) {
    return q(
        "SELECT md5(string_agg(c::text, '|' ORDER BY c.id)) || ':' ||"
        " (SELECT count(*) FROM consent_events e JOIN contacts d ON d.id = e.contact_id"
        "  WHERE d.last_name = '" +
        last +
        "')"
        " FROM contacts c WHERE c.last_name = '" +
        last + "'");
}

}  // namespace

TEST_CASE(
    "a preview guesses the columns, numbers each error's line, finds duplicates, and writes "
    "nothing; the import then does what it counted",
    "[import]") {
    const auto last = family();
    const auto known = new_phone();
    REQUIRE(call("POST", "/api/crm/contacts",
                 {{"firstName", "Known"}, {"lastName", last}, {"phone", known}})
                .status == 201);
    const auto a = new_phone(), b = new_phone(), c = new_phone();
    // A spreadsheet's own: a byte order mark, semicolons, its words for the columns, a quoted
    // cell with a line break, a CRLF file.
    const auto csv =
        "\xEF\xBB\xBF"
        "First Name;Last Name;Mobile;E-mail;DOB;Favourite wine\r\n"
        "Ann;" +
        last + ";" + a +
        ";ann@example.com;1980-02-03;Zin\r\n"
        "Bob;" +
        last +
        ";not a phone;;;\r\n"
        "Cy;" +
        last + ";" + b +
        ";not-an-email;;\"Pinot\r\nand more\"\r\n"
        "Di;" +
        last + ";" + c +
        ";;2999-01-01;\r\n"
        "\r\n"
        "Ann again;" +
        last + ";" + a +
        ";;;\r\n"
        "Known;" +
        last + ";" + known + ";known@example.com;;\r\n";
    const auto before = q("SELECT count(*) FROM contacts");
    const auto audited = q("SELECT count(*) FROM audit_events WHERE action = 'contacts_imported'");
    const auto preview = import_csv(csv);
    INFO(preview.body);
    REQUIRE(preview.status == 200);
    const auto& p = preview.json();
    CHECK(p["committed"] == false);
    CHECK(p["columns"] == json::parse(R"([{"header":"First Name","field":"firstName"},
        {"header":"Last Name","field":"lastName"},{"header":"Mobile","field":"phone"},
        {"header":"E-mail","field":"email"},{"header":"DOB","field":"birthdate"},
        {"header":"Favourite wine","field":null}])"));
    CHECK(p["rows"] == 6);       // the blank line is none; Cy's cell spans two lines
    CHECK(p["created"] == 1);    // Ann (Cy and Di have errors, Known exists)
    CHECK(p["unchanged"] == 1);  // Known: nothing chosen to update
    CHECK(p["errorCount"] == 3);
    CHECK(p["errors"][0]["line"] == 3);
    CHECK(p["errors"][0]["field"] == "phone");
    CHECK(p["errors"][1]["line"] == 4);
    CHECK(p["errors"][1]["field"] == "email");
    CHECK(p["errors"][2]["line"] == 6);
    CHECK(p["errors"][2]["field"] == "birthdate");
    CHECK(p["duplicates"] == json::parse(R"([{"line":8,"phone":")" + a + R"(","firstLine":2}])"));
    // Against the database: Known's row, with its contact.
    CHECK(p["existingCount"] == 1);
    CHECK(p["existing"][0]["line"] == 9);
    CHECK(p["existing"][0]["contactId"].dump() ==
          q("SELECT id FROM contacts WHERE phone = '" + known + "'"));
    CHECK(q("SELECT count(*) FROM contacts") == before);
    CHECK(q("SELECT count(*) FROM audit_events WHERE action = 'contacts_imported'") == audited);

    // The import, with Known's email chosen: the counts are the preview's.
    const auto done = import_csv(csv, "?commit=true&update=email");
    INFO(done.body);
    REQUIRE(done.status == 200);
    CHECK(done.json()["committed"] == true);
    CHECK(done.json()["created"] == 1);
    CHECK(done.json()["updated"] == 1);
    CHECK(q("SELECT first_name || '|' || email || '|' || birthdate || '|' || source || '|' ||"
            " sms_opt_in FROM contacts WHERE phone = '" +
            a + "'") == "Ann|ann@example.com|1980-02-03|import|false");
    CHECK(q("SELECT first_name || '|' || email FROM contacts WHERE phone = '" + known + "'") ==
          "Known|known@example.com");
    CHECK(contacts_named(last) == "2");
    CHECK(q("SELECT detail FROM audit_events WHERE action = 'contacts_imported' ORDER BY id DESC"
            " LIMIT 1")
              .starts_with("created 1, updated 1, unchanged 0"));
    // Again: nothing left to do.
    const auto again = import_csv(csv, "?commit=true&update=email");
    CHECK(again.json()["created"] == 0);
    CHECK(again.json()["updated"] == 0);
    CHECK(again.json()["unchanged"] == 2);
}

TEST_CASE("nobody is opted in without the file's evidence or over an opt-out; an opt-out is kept",
          "[import]") {
    const auto last = family();
    const auto with = new_phone(), without = new_phone(), future = new_phone(),
               stopped = new_phone(), out = new_phone(), existing = new_phone();
    // `stopped` texted STOP before; `existing` is an opted-in contact.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), stopped, "STOP")).status == 200);
    REQUIRE(call("POST", "/api/crm/contacts",
                 {{"firstName", "Ex"}, {"lastName", last}, {"phone", existing}, {"smsOptIn", true}})
                .status == 201);
    const auto csv =
        "firstName,lastName,phone,smsConsent,consentDate,consentSource\n"
        "With," +
        last + "," + with +
        ",yes,2025-05-01,paper form at the tasting room\n"
        "Without," +
        last + "," + without +
        ",yes,,\n"
        "Future," +
        last + "," + future +
        ",yes,2999-01-01,web\n"
        "Stopped," +
        last + "," + stopped +
        ",opted_in,2025-05-01,club sign-up\n"
        "Out," +
        last + "," + out +
        ",no,,\n"
        "Ex," +
        last + "," + existing +
        ",opted_out,,\n"
        "Odd," +
        last + "," + new_phone() + ",maybe,,\n";
    const auto done = import_csv(csv, "?commit=true");
    INFO(done.body);
    REQUIRE(done.status == 200);
    const auto& d = done.json();
    CHECK(d["created"] == 4);
    CHECK(d["updated"] == 1);    // Ex, opted out
    CHECK(d["unchanged"] == 1);  // Stopped: its STOP made it a contact, and it stays opted out
    CHECK(d["optedIn"] == 1);
    CHECK(d["optedOut"] == 2);
    CHECK(d["errorCount"] == 1);
    CHECK(d["errors"][0]["field"] == "smsConsent");
    CHECK(d["warningCount"] == 3);
    const auto opted = [&](const std::string& phone) {
        return q(
            "SELECT sms_opt_in::text || '|' || (opted_out_at IS NOT NULL)::text FROM contacts"
            " WHERE phone = '" +
            phone + "'");
    };
    CHECK(opted(with) == "true|false");
    CHECK(opted(without) == "false|false");
    CHECK(opted(future) == "false|false");
    CHECK(opted(stopped) == "false|true");
    CHECK(opted(out) == "false|true");
    CHECK(opted(existing) == "false|true");  // opt-out in the file: always kept
    // The consent log: source import, the importing person, the file's evidence.
    const auto event =
        q("SELECT kind || '|' || source || '|' || detail FROM consent_events"
          " WHERE phone = '" +
          with + "'");
    CHECK(
        event.starts_with("opt_in|import|imported by Local owner; the file says consent was "
                          "given 2025-05-01T00:00:00Z (paper form at the tasting room)"));
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + without + "'") == "0");
    CHECK(q("SELECT kind || '|' || source FROM consent_events WHERE phone = '" + existing +
            "' ORDER BY id DESC LIMIT 1") == "opt_out|import");
    // Sending to the imported opt-out is refused.
    check_error(call("POST", "/api/crm/sms/send", {{"to", out}, {"body", "Hi"}}), 409, "opted_out");
}

TEST_CASE(
    "an export is admins' only, in the audit log, guarded against formulas, and a round "
    "trip through import changes nothing",
    "[import]") {
    const auto last = family();
    const auto phone = new_phone();
    REQUIRE(call("POST", "/api/crm/contacts",
                 {{"firstName", "=HYPERLINK(\"http://evil.example\",\"x\")"},
                  {"lastName", last},
                  {"phone", phone},
                  {"email", "@ann@example.com"},
                  {"tags", {"club", "-2024"}},
                  {"notes", "line one\nline, two \"quoted\""},
                  {"smsOptIn", true}})
                .status == 400);  // that email is no email: the API refuses it too
    REQUIRE(call("POST", "/api/crm/contacts",
                 {{"firstName", "=HYPERLINK(\"http://evil.example\",\"x\")"},
                  {"lastName", last},
                  {"phone", phone},
                  {"tags", {"club", "-2024"}},
                  {"notes", "line one\nline, two \"quoted\""},
                  {"smsOptIn", true}})
                .status == 201);
    REQUIRE(call("POST", "/api/crm/contacts",
                 {{"firstName", "Plain"}, {"lastName", last}, {"phone", new_phone()}})
                .status == 201);
    const auto exported = stack().request("GET", "/api/crm/contacts/export?search=" + last);
    INFO(exported.body);
    REQUIRE(exported.status == 200);
    CHECK(exported.headers.at("Content-Type") == "text/csv; charset=utf-8");
    CHECK(
        exported.headers.at("Content-Disposition").starts_with("attachment; filename=\"contacts-"));
    const auto& body = exported.body;
    CHECK(
        body.starts_with("\xEF\xBB\xBF"
                         "firstName,lastName,phone,email,birthdate,status,tags,"
                         "notes,smsConsent,consentDate,consentSource,id,createdAt\r\n"));
    CHECK(body.find("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"") != std::string::npos);
    CHECK(body.find(",'" + phone + ",") != std::string::npos);
    CHECK(body.find("club; -2024") != std::string::npos);
    CHECK(body.find(",opted_in,") != std::string::npos);
    CHECK(body.find("\"line one\nline, two \"\"quoted\"\"\"") != std::string::npos);
    CHECK(q("SELECT count(*) FROM audit_events WHERE action = 'contacts_exported'"
            " AND detail LIKE '%" +
            last + "%'") == "1");

    // The file back in, every field chosen: nothing changes, not even the consent log.
    const auto before = snapshot(last);
    const auto back = import_csv(body,
                                 "?commit=true&update=firstName,lastName,email,birthdate,"
                                 "status,tags,notes,smsConsent,consentDate,consentSource");
    INFO(back.body);
    REQUIRE(back.status == 200);
    CHECK(back.json()["created"] == 0);
    CHECK(back.json()["updated"] == 0);
    CHECK(back.json()["unchanged"] == 2);
    CHECK(back.json()["errorCount"] == 0);
    CHECK(snapshot(last) == before);
}

TEST_CASE("a file that is no CSV, or asks for what cannot be, is refused and changes nothing",
          "[import]") {
    const auto before = q("SELECT count(*) FROM contacts");
    check_error(import_csv("phone\n\xff\xfe\n"), 400, "invalid_csv");
    check_error(import_csv("phone,firstName\n\"+16195550000,Ann\n"), 400, "invalid_csv");
    check_error(import_csv(""), 400, "invalid_csv");
    check_error(import_csv("name,city\nAnn,Napa\n"), 422, "no_phone_column", "columns");
    check_error(import_csv("a,b\n1,2\n", "?columns=phone"), 400, "invalid_query", "columns");
    check_error(import_csv("a,b\n1,2\n", "?columns=phone,phone"), 400, "invalid_query", "columns");
    check_error(import_csv("a,b\n1,2\n", "?columns=phone,password"), 400, "invalid_query",
                "columns");
    check_error(import_csv("phone\n+16195550000\n", "?update=phone"), 400, "invalid_query",
                "update");
    check_error(import_csv("phone\n+16195550000\n", "?commit=yes"), 400, "invalid_query", "commit");
    std::string many = "phone\n";
    for (int i = 0; i < 100001; ++i) many += "1\n";
    check_error(import_csv(many), 400, "invalid_csv");
    CHECK(q("SELECT count(*) FROM contacts") == before);
}

TEST_CASE("two imports of the same new numbers at once make each contact once", "[import]") {
    const auto last = family();
    std::string csv = "firstName,lastName,phone\n";
    for (const auto& phone : new_phones(10)) csv += "Par," + last + "," + phone + "\n";
    Reply first, second;
    std::thread other([&] { first = import_csv(csv, "?commit=true"); });
    second = import_csv(csv, "?commit=true");
    other.join();
    INFO(first.body << "\n" << second.body);
    CHECK(first.status == 200);
    CHECK(second.status == 200);
    CHECK(first.json()["created"].get<int>() + second.json()["created"].get<int>() == 10);
    CHECK(contacts_named(last) == "10");
}

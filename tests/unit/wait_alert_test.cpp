#include "common/outreach/wait_alert.h"

#include <catch2/catch.hpp>

#include "common/http/smtp_client.h"

using namespace textus;

namespace {

Config config() {
    Config c;
    c.public_base_url = "https://inbox.example.com/";
    c.smtp_url = "smtp://127.0.0.1:2525";
    c.smtp_from = "inbox@example.com";
    return c;
}

wait_alert::Due due() {
    return {7,
            "ann@example.com",
            10,
            false,
            false,
            42,
            "Bea Diaz",
            "+17605550142",
            "2026-12-07T10:00:00.000Z",
            "Is my order ready?"};
}

}  // namespace

TEST_CASE(
    "an alert's email names the contact and the wait, links the thread, and holds the "
    "text only when asked") {
    const auto mail = wait_alert::mail(config(), due());
    CHECK(mail.to == "ann@example.com");
    CHECK(mail.subject == "A text has waited 10 minutes: Bea Diaz");
    CHECK(
        mail.body.starts_with("Bea Diaz (+17605550142) texted at 2026-12-07T10:00:00.000Z and "
                              "has had no answer for 10 minutes.\n"));
    CHECK(mail.body.find("https://inbox.example.com/inbox/#contact=42\n") != std::string::npos);
    CHECK(mail.body.find("Is my order ready?") == std::string::npos);
    CHECK(mail.body.find("or unassigned ones") == std::string::npos);

    auto theirs = due();
    theirs.with_body = true;
    theirs.unassigned = true;
    theirs.contact_name = "";
    theirs.minutes = 1;
    const auto full = wait_alert::mail(config(), theirs);
    CHECK(full.subject == "A text has waited 1 minute: +17605550142");
    CHECK(full.body.find("They wrote:\nIs my order ready?\n") != std::string::npos);
    CHECK(full.body.find("nobody has the conversation yet") != std::string::npos);
    CHECK(full.body.find("or unassigned ones") != std::string::npos);
}

TEST_CASE(
    "an email's headers hold every field on one line; a subject that is not ASCII is "
    "RFC 2047") {
    const smtp::Mail mail{"ann@example.com", "Hi\r\nBcc: evil@example.com", "one\ntwo"};
    const auto text = smtp::message(config(), mail, "Mon, 07 Dec 2026 10:00:00 +0000", "<m@x>");
    CHECK(text ==
          "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nFrom: inbox@example.com\r\n"
          "To: ann@example.com\r\nSubject: Hi  Bcc: evil@example.com\r\nMessage-ID: <m@x>\r\n"
          "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n"
          "one\r\ntwo\r\n");
    const auto accented = smtp::message(config(), {"a@example.com", "Zoë", ""}, "d", "<m>");
    CHECK(accented.find("\r\nSubject: =?UTF-8?B?Wm/Dqw==?=\r\n") != std::string::npos);
}

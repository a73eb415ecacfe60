#include "common/media/media.h"

#include <catch2/catch.hpp>

#include "common/twilio/twilio_client.h"

using namespace textus;

TEST_CASE("a picture is known by its bytes, not its name or declared type", "[media]") {
    CHECK(media::sniff_picture("\xFF\xD8\xFF\xE0rest") == "image/jpeg");
    CHECK(media::sniff_picture(std::string("\x89PNG\r\n\x1A\n\0\0", 10)) == "image/png");
    CHECK(media::sniff_picture("GIF89a...") == "image/gif");
    CHECK(media::sniff_picture("GIF87a...") == "image/gif");
    CHECK(media::sniff_picture(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)) == "image/webp");
    CHECK(media::sniff_picture("<svg onload=alert(1)>") == std::nullopt);
    CHECK(media::sniff_picture("") == std::nullopt);
    CHECK(media::sniff_picture("\xFF\xD8") == std::nullopt);
}

TEST_CASE("an inbound item is kept as what it is, or refused with a reason for staff", "[media]") {
    const std::string png("\x89PNG\r\n\x1A\n", 8);
    // A declared picture must be one; its bytes name its type.
    CHECK(media::check_inbound("image/jpeg", png).content_type == "image/png");
    CHECK_FALSE(media::check_inbound("image/jpeg", png).refused);
    CHECK(media::check_inbound("IMAGE/PNG; name=x", png).content_type == "image/png");
    CHECK(media::check_inbound("image/jpeg", "<html>").refused ==
          "not a picture: its bytes are no JPEG, PNG, GIF or WebP");
    CHECK(media::check_inbound("image/svg+xml", "<svg/>").refused.has_value());
    // Audio, video, vCards and PDF are kept as declared.
    CHECK(media::check_inbound("video/3gpp", "....").content_type == "video/3gpp");
    CHECK_FALSE(media::check_inbound("audio/amr", "#!AMR").refused);
    CHECK_FALSE(media::check_inbound("text/vcard", "BEGIN:VCARD").refused);
    CHECK_FALSE(media::check_inbound("application/pdf", "%PDF-1.4").refused);
    // What a browser would run is not.
    CHECK(media::check_inbound("text/html", "<p>").refused == "type not kept: text/html");
    CHECK(media::check_inbound("application/javascript", "x").refused.has_value());
    CHECK(media::check_inbound("video/mp4\r\nX-Evil: 1", "x").refused ==
          "type not kept: (malformed)");
    CHECK(media::check_inbound("", "x").refused.has_value());
}

TEST_CASE("only pictures are shown in the page; the rest are downloads", "[media]") {
    CHECK(media::shown_inline("image/png"));
    CHECK(media::shown_inline("image/webp"));
    CHECK_FALSE(media::shown_inline("image/svg+xml"));
    CHECK_FALSE(media::shown_inline("application/pdf"));
    CHECK_FALSE(media::shown_inline("video/mp4"));
}

TEST_CASE("a failed fetch waits longer each time, and only a passing failure is tried again",
          "[media]") {
    CHECK(media::retry_delay(1) == std::chrono::minutes(1));
    CHECK(media::retry_delay(2) == std::chrono::minutes(5));
    CHECK(media::retry_delay(4) == std::chrono::minutes(120));
    CHECK(media::retry_delay(9) == std::chrono::minutes(120));
    CHECK(media::retry_delay(0) == std::chrono::minutes(1));
    CHECK(media::passing("twilio_unavailable"));
    CHECK(media::passing("twilio_auth"));
    CHECK_FALSE(media::passing("media_host_refused"));
    CHECK_FALSE(media::passing("media_too_large"));
    CHECK_FALSE(media::passing("not_found"));
}

TEST_CASE("a message's media in its JSON: our URL and state, never the name", "[media]") {
    const auto items = media::items_from_json(nlohmann::json::parse(
        R"([{"id":7,"name":"abc","contentType":"image/png","state":"stored","bytes":67,"error":null},
            {"id":8,"name":"def","contentType":"image/jpeg","state":"failed","bytes":null,"error":"gone"}])"));
    REQUIRE(items.size() == 2);
    CHECK(items[1].error == "gone");
    const auto j = media::to_json(items[0]);
    CHECK(j["url"] == "/api/crm/sms/media/7");
    CHECK(j["bytes"] == 67);
    CHECK_FALSE(j.contains("name"));
    CHECK(media::items_from_json(nullptr).empty());
}

TEST_CASE("media are fetched from Twilio's own hosts only", "[media]") {
    const std::string api = "https://api.twilio.com";
    CHECK(twilio::media_origin("https://api.twilio.com", api));
    CHECK(twilio::media_origin("https://API.Twilio.com", api));
    CHECK(twilio::media_origin("https://mms.twiliocdn.com", api));
    CHECK(twilio::media_origin("https://s3-external-1.amazonaws.com", api));
    CHECK(twilio::media_origin("https://mms.twiliocdn.com:443", api));
    CHECK_FALSE(twilio::media_origin("http://mms.twiliocdn.com", api));
    CHECK_FALSE(twilio::media_origin("https://mms.twiliocdn.com.evil.com", api));
    CHECK_FALSE(twilio::media_origin("https://api.twilio.com.evil.com", api));
    CHECK_FALSE(twilio::media_origin("https://evil.com", api));
    CHECK_FALSE(twilio::media_origin("https://api.twilio.com:8443", api));
    // The simulator: its own origin only.
    CHECK(twilio::media_origin("http://127.0.0.1:8082", "http://127.0.0.1:8082"));
    CHECK_FALSE(twilio::media_origin("http://127.0.0.1:8083", "http://127.0.0.1:8082"));
}

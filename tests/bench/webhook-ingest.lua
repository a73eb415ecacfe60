-- wrk script of tests/bench/webhook-ingest. Thread n posts the pre-signed inbound SMS of
-- $POSTS_DIR/posts-n.tsv ("SIGNATURE<TAB>BODY" a line), in order, each once, and counts the
-- answers by status.
--
-- With TRACK set (run with -t N -c N: one connection per thread) it also knows which
-- MessageSid its one connection is waiting for, so the script can report which posts got a 200
-- and which got no answer. With RATE (requests/s for each connection) set too, each connection
-- sends on a fixed schedule, as wrk2 would (wrk2 is not in Debian): delay() waits until the
-- next request is due, and a latency counts from when the request was due, so a slow answer
-- also counts against the requests it held up (no coordinated omission); wrk's own timer slack
-- (under 1 ms) does not.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } wrk_timespec;
int clock_gettime(int clock, wrk_timespec* ts);
]]
local timespec = ffi.new("wrk_timespec")
local function now_us()
    ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
    return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

local track = os.getenv("TRACK") == "1"
local rate = track and tonumber(os.getenv("RATE") or "")
local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

function init(args)
    posts = {}
    for line in io.lines(os.getenv("POSTS_DIR") .. "/posts-" .. id .. ".tsv") do
        local signature, body = line:match("^([^\t]+)\t(.+)$")
        posts[#posts + 1] = {
            sid = body:match("MessageSid=(SM%x+)"),
            request = wrk.format("POST", "/api/twilio/webhook", {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["X-Twilio-Signature"] = signature,
            }, body),
        }
    end
    sent = 0
    ok = 0          -- answers 200
    answered = {}   -- TRACK: SIDs answered 200
    unanswered = {} -- TRACK: SIDs sent that got another status or no answer (wrk stopped, an error)
    exhausted = 0
    latencies = {}  -- RATE only: microseconds from due time to answer
    waiting = nil   -- TRACK: the SID sent and not answered yet
end

if rate then
    local interval = 1e6 / rate
    local due, answered_at, sent_at
    function delay()
        local now = now_us()
        due = due and due + interval or now
        return math.max(0, math.ceil((due - now) / 1000))
    end
    function response_time(now)
        -- Held up past its due time by the previous answer: that wait was the server's, and
        -- counts. Otherwise it left when wrk's timer fired, at most 1 ms late: count from then.
        local start = (answered_at and answered_at > due) and due or sent_at
        latencies[#latencies + 1] = now - start
        answered_at = now
    end
    function sent_now() sent_at = now_us() end
end

function request()
    if track and waiting then unanswered[#unanswered + 1] = waiting end
    sent = sent + 1
    local post = posts[sent]
    if not post then
        -- Out of posts: never re-post a SID; the run is reported as invalid.
        exhausted = exhausted + 1
        waiting = nil
        return wrk.format("GET", "/")
    end
    if track then waiting = post.sid end
    if sent_now then sent_now() end
    return post.request
end

function response(status, headers, body)
    if response_time then response_time(now_us()) end
    if status == 200 then ok = ok + 1 end
    if waiting then
        if status == 200 then
            answered[#answered + 1] = waiting
        else
            unanswered[#unanswered + 1] = waiting
        end
    end
    waiting = nil
end

-- TRACK: writes the SIDs that got a 200 and the others to $POSTS_DIR, one a line. Prints one
-- line of figures for the bench script.
function done(summary, latency, requests)
    local all, exhausted_total, ok_total = {}, 0, 0
    local answered_file, unanswered_file
    if track then
        answered_file = io.open(os.getenv("POSTS_DIR") .. "/answered.txt", "w")
        unanswered_file = io.open(os.getenv("POSTS_DIR") .. "/unanswered.txt", "w")
    end
    for _, thread in ipairs(threads) do
        if track then
            for _, sid in ipairs(thread:get("answered")) do answered_file:write(sid, "\n") end
            for _, sid in ipairs(thread:get("unanswered")) do unanswered_file:write(sid, "\n") end
            local waiting = thread:get("waiting")
            if waiting then unanswered_file:write(waiting, "\n") end
        end
        exhausted_total = exhausted_total + thread:get("exhausted")
        ok_total = ok_total + thread:get("ok")
        for _, us in ipairs(thread:get("latencies")) do all[#all + 1] = us end
    end
    if track then
        answered_file:close()
        unanswered_file:close()
    end
    table.sort(all)
    local function percentile(p)
        if #all == 0 then return 0 end
        return all[math.max(1, math.ceil(#all * p / 100))] / 1000
    end
    io.write(string.format(
        "bench: ok=%d p50_ms=%.2f p99_ms=%.2f paced_p50_ms=%.2f paced_p99_ms=%.2f paced_count=%d exhausted=%d\n",
        ok_total, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        percentile(50), percentile(99), #all, exhausted_total))
end

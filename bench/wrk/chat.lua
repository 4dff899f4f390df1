-- wrk script: non-streamed chat requests in either API for the LessLLM benchmark.
-- Usage: wrk -t1 -c64 -d5s -s bench/wrk/chat.lua http://127.0.0.1:PORT -- DIALECT MODEL
-- DIALECT is openai (POST /v1/chat/completions) or anthropic (POST /v1/messages); MODEL is a lessllm-bench-upstream
-- model (bench/MockUpstream), e.g. to-openai/bench-fast.
-- At the end it prints one line "WRKJSON {...}" with counts, errors and latency percentiles in microseconds.

local prompt = '"messages":[{"role":"user","content":"Write a few words for the LessLLM benchmark."}]'

function init(args)
   local dialect, model = args[1] or "openai", args[2] or "bench-fast"
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Accept"] = "application/json"
   if dialect == "anthropic" then
      wrk.path = "/v1/messages"
      wrk.headers["x-api-key"] = "bench-client-key"
      wrk.headers["anthropic-version"] = "2023-06-01"
      wrk.body = string.format('{"model":"%s","max_tokens":1024,"stream":false,%s}', model, prompt)
   else
      wrk.path = "/v1/chat/completions"
      wrk.headers["Authorization"] = "Bearer bench-client-key"
      wrk.body = string.format('{"model":"%s","stream":false,%s}', model, prompt)
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f,"stdev":%.1f}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max, latency.mean, latency.stdev))
end

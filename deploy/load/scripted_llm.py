#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat completions server for load runs: answers every request after a fixed latency.

It answers like tests/ReviewService.Tests/Judge/ScriptedLlmServer.cs's default behaviour: for each check asked (read from the
reply schema's `check` enum), `present` at confidence 0.95, quoting the check's first passage from the prompt, so the
answer is grounded and the review completes. Usage: deploy/load/scripted_llm.py PORT LATENCY_MS
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def first_passage(user, check):
    lines = user.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- check: {check}")
    passages = next(line for line in lines[start:] if line.lstrip().startswith("passages:"))
    pid = passages.split(":")[1].split(",")[0].strip()
    begin = user.index(f"[{pid}]\n") + len(pid) + 3
    ends = [i for i in (user.find("\n\n", begin), user.find("\nEND DOCUMENT DATA", begin)) if i >= 0]
    return user[begin:min(ends) if ends else len(user)].strip()


def text_of(content):
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    latency = 0.0

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        time.sleep(self.latency)
        user = "\n".join(text_of(m["content"]) for m in request["messages"] if m["role"] == "user")
        schema = request["response_format"]["json_schema"]["schema"]
        checks = schema["properties"]["verdicts"]["items"]["properties"]["check"]["enum"]
        verdicts = [{"check": c, "outcome": "present", "confidence": 0.95, "evidence": first_passage(user, c), "rationale": "Scripted."}
                    for c in checks]
        body = json.dumps({
            "id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()), "model": request.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps({"verdicts": verdicts})}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    Handler.latency = int(sys.argv[2]) / 1000
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()

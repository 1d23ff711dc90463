#!/usr/bin/env python3
"""A minimal bridge: starts `frontdesk jsonl`, sends the messages of two customers who write at
the same time, and prints what a bridge would post to them (docs/protocol.md)."""
import json, os, subprocess, sys

command = [os.environ.get("FRONTDESK", "frontdesk"), "jsonl",
           "--bot", os.environ.get("FRONTDESK_BOT", "intents"),
           "--db", os.environ.get("FRONTDESK_DB", ".frontdesk/frontdesk.sqlite")]
bot = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, encoding="utf-8")

def send(request):
    """Writes one request line and reads exactly the one line that answers it."""
    bot.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
    bot.stdin.flush()
    line = bot.stdout.readline()
    response = json.loads(line) if line else {"type": "nothing: frontdesk stopped"}
    if response["type"] not in ("reply", "ack") or response["in_reply_to"] != request["id"]:
        sys.exit(f"unexpected answer to {request['id']}: {line.strip() or response['type']}")
    return response

# (conversation, user, text, quick-reply payload); facebook:1001 goes through the refund form.
turns = [("facebook:1001", "psid-1001", "Hi, I want a refund", None),
         ("webchat:7", "visitor-7", "How do I install Kestrel on my Mac?", None),
         ("facebook:1001", "psid-1001", "It's KS-1234567", None),
         ("webchat:7", "visitor-7", "thanks!", None),
         ("facebook:1001", "psid-1001", "The VPN never connected on my laptop", None),
         ("facebook:1001", "psid-1001", "Yes", "yes")]  # the customer taps the button "Yes"
for number, (conversation, user, text, payload) in enumerate(turns, start=1):
    request = {"type": "message", "id": f"m{number}", "conversation": conversation, "user": user,
               "text": text, "timestamp": f"2026-03-02T10:{number:02}:00Z"}  # Monday, in hours
    if payload:
        request["payload"] = payload
    reply = send(request)
    print(f"[{conversation}] customer: {text}")
    for message in reply["messages"]:
        buttons = [button["title"] for button in message.get("quick_replies", [])]
        print(f"[{conversation}] bot: {message['text']}" + (f"  {buttons}" if buttons else ""))
    for event in reply["events"]:  # e.g. create_ticket: file it in the help desk
        print(f"[{conversation}] event: {json.dumps(event, ensure_ascii=False)}")

send({"type": "shutdown", "id": "bye"})
if bot.wait(timeout=30) != 0:
    sys.exit(f"frontdesk exited with status {bot.returncode}")

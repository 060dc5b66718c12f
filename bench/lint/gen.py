"""Writes three Claude Code settings files of 300 permission rules each (user, project, local),
varied like real ones: Bash exact, prefix and wildcard rules over many programs, file, WebFetch
and MCP rules, with hooks. Usage: gen.py HOME PROJECT"""
import json
import os
import sys

PROGRAMS = ["git", "npm", "cargo", "make", "docker", "kubectl", "terraform", "pytest", "go",
            "yarn", "pnpm", "rustup", "helm", "aws", "gcloud", "ls", "cat", "grep", "sed", "awk"]
VERBS = ["status", "build", "test", "run", "push", "pull", "log", "diff", "apply", "plan",
         "deploy", "lint", "check", "fmt", "install", "list", "get", "describe", "show", "clean"]


def rules(layer, count):
    out = {"allow": [], "ask": [], "deny": []}
    lists = ["allow", "allow", "ask", "deny"]
    for i in range(count):
        program = PROGRAMS[(i * 7 + layer) % len(PROGRAMS)]
        verb = VERBS[(i * 3 + layer * 5) % len(VERBS)]
        kind = i % 6
        if kind == 0:
            rule = f"Bash({program} {verb} --flag-{i})"
        elif kind == 1:
            rule = f"Bash({program} {verb}-{layer}-{i}:*)"
        elif kind == 2:
            rule = f"Bash({program} {verb} * --opt-{i})"
        elif kind == 3:
            rule = f"Read(./src/module{layer}_{i}/**)"
        elif kind == 4:
            rule = f"WebFetch(domain:host{i}.example{layer}.com)"
        else:
            rule = f"mcp__server{layer}__tool_{i}"
        out[lists[i % len(lists)]].append(rule)
    return out


def settings(layer):
    return {
        "permissions": {**rules(layer, 300), "defaultMode": "default"},
        "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [
                {"type": "command", "command": "/bin/sh -c true", "timeout": 10, "onFailure": "block"}]}],
            "PostToolUse": [{"matcher": "Edit|Write", "hooks": [
                {"type": "command", "command": "/bin/true", "timeout": 5}]}],
        },
    }


home, project = sys.argv[1], sys.argv[2]
for path, layer in [(os.path.join(home, ".claude/settings.json"), 0),
                    (os.path.join(project, ".claude/settings.json"), 1),
                    (os.path.join(project, ".claude/settings.local.json"), 2)]:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(settings(layer), f, indent=2)

import { describe, expect, it } from "vitest";
import { callableText, windowTime } from "./format";

describe("who is callable, in words", () => {
  const now = new Date(2026, 11, 7, 10, 0);
  it("says now and until, later and from", () => {
    const until = new Date(2026, 11, 7, 17, 0).toISOString();
    const from = new Date(2026, 11, 8, 8, 0).toISOString();
    expect(callableText({ callable_now: 42, callable_until: until, later: 7, next_window_at: from }, now)).toBe(
      `42 callable now, until ${windowTime(until, now)} · 7 later, from ${windowTime(from, now)}`,
    );
    expect(windowTime(until, now)).toBe("5:00 PM");
    expect(windowTime(from, now)).toMatch(/^Tue/);
    expect(callableText({ callable_now: 0, callable_until: null, later: 3, next_window_at: null }, now)).toBe("nobody callable now · 3 later");
    expect(callableText({ callable_now: 2, callable_until: null, later: 0, next_window_at: null }, now)).toBe("2 callable now");
  });
});

import { statusNow } from "./labels";

describe("a prospect's status now", () => {
  const now = Date.parse("2026-12-06T15:00:00Z");
  it("is due when its attempt or callback time has come, else as stored", () => {
    expect(statusNow({ status: "attempting", next_attempt_at: "2026-12-06T14:59:00Z", callback_at: null }, now)).toBe("Due for another attempt");
    expect(statusNow({ status: "attempting", next_attempt_at: "2026-12-06T15:01:00Z", callback_at: null }, now)).toBe("Waiting for a later attempt");
    expect(statusNow({ status: "callback", next_attempt_at: null, callback_at: "2026-12-06T09:00:00Z" }, now)).toBe("Callback due");
    expect(statusNow({ status: "callback", next_attempt_at: null, callback_at: "2026-12-07T09:00:00Z" }, now)).toBe("Callback agreed");
    expect(statusNow({ status: "new", next_attempt_at: null, callback_at: null }, now)).toBe("Never called");
  });
});

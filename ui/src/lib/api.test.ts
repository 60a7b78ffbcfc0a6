import { afterEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, commands, hear, messageOf, sentence } from "./api";

afterEach(() => vi.restoreAllMocks());

describe("api", () => {
  it("returns a command's data and throws its error as an ApiError", async () => {
    const list = vi.spyOn(commands, "listBlocks").mockResolvedValueOnce({ status: "ok", data: [] });
    await expect(api.listBlocks(20)).resolves.toEqual([]);
    expect(list).toHaveBeenCalledWith(20);

    list.mockResolvedValueOnce({ status: "error", error: { kind: "conflict", message: "/tmp/x.csv already exists" } });
    const e = await api.listBlocks(20).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ kind: "conflict", message: "/tmp/x.csv already exists" });
  });

  it("passes through the commands that do not return a Result", async () => {
    const info = { version: "0.1.0", db_path: "/tmp/x.db", db_error: null, current_rep: null };
    vi.spyOn(commands, "appInfo").mockResolvedValueOnce(info);
    await expect(api.appInfo()).resolves.toBe(info);
    vi.spyOn(commands, "cancelImport").mockResolvedValueOnce(false);
    await expect(api.cancelImport()).resolves.toBe(false);
  });

  it("has every command and nothing else, so it is never taken for a promise", () => {
    for (const k of Object.keys(commands)) expect(typeof api[k as keyof typeof api]).toBe("function");
    expect("then" in api).toBe(false);
    expect((api as unknown as Record<string, unknown>).then).toBeUndefined();
    // Inherited names are not commands either.
    expect((api as unknown as Record<string, unknown>).toString).toBeUndefined();
    expect("constructor" in api).toBe(false);
  });
});

describe("messageOf", () => {
  it("shows the core's message as a sentence, its first plain word capitalised", () => {
    expect(messageOf(new ApiError({ kind: "busy", message: "the database is busy" }))).toBe("The database is busy");
    expect(messageOf({ kind: "invalid", message: "time zone: \"Mars/Base\" is not an IANA time zone" })).toBe(
      'Time zone: "Mars/Base" is not an IANA time zone',
    );
    expect(messageOf("e-mail: not an address")).toBe("E-mail: not an address");
    expect(messageOf(42)).toBe("Something went wrong.");
  });

  it("leaves paths, quoted values, settings and words with capitals of their own as they are", () => {
    for (const m of [
      "/home/ana/leads.csv: not an SQLite database; nothing was changed",
      '"Ohio" is already a theme',
      "sslmode=verify-ca is not supported",
      "iCalendar file has no event",
      "--prospect needs an id",
      "Cannot reach the team store",
      "",
    ]) {
      expect(sentence(m)).toBe(m);
    }
    expect(sentence("busy")).toBe("Busy");
  });
});

describe("hear", () => {
  it("passes payloads on, and lets go of a listener registered after the teardown", async () => {
    const heard: number[] = [];
    let unlistened = 0;
    let cb: ((e: { payload: number }) => void) | undefined;
    let register: (u: () => void) => void = () => {};
    const event = {
      listen: (f: (e: { payload: number }) => void) => {
        cb = f;
        return new Promise<() => void>((r) => (register = r));
      },
    };
    const stop = hear(event, (n) => heard.push(n));
    cb?.({ payload: 7 });
    expect(heard).toEqual([7]);
    stop();
    register(() => unlistened++);
    await Promise.resolve();
    await Promise.resolve();
    expect(unlistened).toBe(1);
  });
});

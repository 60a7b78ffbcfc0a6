// The one place the UI talks to Rust. Commands come from the generated
// bindings, which return a `Result`; `api` has every one of them, and turns
// an error into a thrown ApiError (with the message the core wrote for the
// user) so that callers get the value or an exception.
import { commands, type AppError, type Result } from "./bindings";

export { commands, events } from "./bindings";
export type * from "./bindings";

export class ApiError extends Error {
  readonly kind: string;
  constructor(error: AppError) {
    super(error.message);
    this.kind = error.kind;
    this.name = "ApiError";
  }
}

type Commands = typeof commands;

/** A command as `api` has it: `Promise<Result<T, AppError>>` becomes `Promise<T>`; the others are unchanged. */
export type Throwing<F> = F extends (...args: infer A) => Promise<Result<infer T, AppError>> ? (...args: A) => Promise<T> : F;

export type Api = { readonly [K in keyof Commands]: Throwing<Commands[K]> };

// The generated bindings wrap a command that can fail as `{ status, data }` or
// `{ status, error }`; a command that cannot fail returns its value as it is,
// and none of today's values has that shape.
function isResult(value: unknown): value is Result<unknown, AppError> {
  if (!value || typeof value !== "object" || !("status" in value)) return false;
  const v = value as Record<string, unknown>;
  return Object.keys(v).length === 2 && ((v.status === "ok" && "data" in v) || (v.status === "error" && "error" in v));
}

const calls = new Map<string, (...args: unknown[]) => Promise<unknown>>();

/**
 * Every command, throwing ApiError instead of returning an error `Result`.
 * Each one is looked up on `commands` when it is called, so a test that
 * replaces a command (vi.spyOn, vi.mock of the bindings) is seen here too.
 */
export const api: Api = new Proxy({} as Api, {
  get(_, key) {
    // Only commands: anything else (`then`, symbols) is not there, so `api` is never taken for a promise.
    if (typeof key !== "string" || !Object.hasOwn(commands, key)) return undefined;
    let call = calls.get(key);
    if (!call) {
      call = async (...args: unknown[]) => {
        const value = await (commands as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[key](...args);
        if (!isResult(value)) return value;
        if (value.status === "error") throw new ApiError(value.error);
        return value.data;
      };
      calls.set(key, call);
    }
    return call;
  },
  has(_, key) {
    return typeof key === "string" && Object.hasOwn(commands, key);
  },
});

/** The message to show for anything thrown by a command, as a sentence. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return sentence(e.message);
  if (typeof e === "string") return sentence(e);
  if (e && typeof e === "object" && "message" in e) return sentence(String((e as { message: unknown }).message));
  return "Something went wrong.";
}

/**
 * A message as the window shows it: the core writes its messages to follow
 * "error: " on a terminal ("the database is busy", "time zone: ..."), the
 * window shows them on their own, so their first word gets its capital. Only
 * a plain word: a path, a quoted value, a setting (`sslmode=...`) or a name
 * with capitals of its own (`iCalendar`) stays as it is written.
 */
export function sentence(message: string): string {
  const first = /^[a-z][a-z'’-]*(?=[\s,:;.!?)]|$)/.exec(message);
  if (!first) return message;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** An event of the generated bindings (`events.teamStatus`, ...). */
type Heard<T> = { listen: (cb: (e: { payload: T }) => void) => Promise<() => void> };

/**
 * Hear `event` until the returned teardown runs (what `onMount` returns):
 * a listener registered after the teardown is let go at once, and one that
 * cannot be registered is passed over (the view loads on its own anyway).
 */
export function hear<T>(event: Heard<T>, handler: (payload: T) => void): () => void {
  let alive = true;
  let unlisten: (() => void) | undefined;
  event
    .listen((e) => handler(e.payload))
    .then((u) => {
      if (alive) unlisten = u;
      else u();
    })
    .catch(() => {});
  return () => {
    alive = false;
    unlisten?.();
  };
}

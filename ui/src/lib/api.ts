// The one place the UI talks to Rust. Commands come from the generated
// bindings; `unwrap` turns their `Result` into a value or a thrown ApiError
// with the message the core wrote for the user.
import type { AppError, Result } from "./bindings";

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

export async function unwrap<T>(call: Promise<Result<T, AppError>>): Promise<T> {
  const result = await call;
  if (result.status === "error") throw new ApiError(result.error);
  return result.data;
}

/** The message to show for anything thrown by a command. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return "Something went wrong.";
}

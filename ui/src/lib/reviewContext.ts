// What every figure of the Review view needs to know: the selection (for
// exports), where files go, and the small-sample threshold.
import { getContext, setContext } from "svelte";
import type { ReportFilter } from "./bindings";

export interface ReviewContext {
  readonly filter: ReportFilter;
  readonly exportDir: string;
  readonly smallSample: number;
  readonly limitSeconds: number;
}

const KEY = Symbol("review");

export function setReviewContext(ctx: ReviewContext): void {
  setContext(KEY, ctx);
}

export function reviewContext(): ReviewContext {
  const ctx = getContext<ReviewContext | undefined>(KEY);
  if (!ctx) throw new Error("reviewContext() outside the Review view");
  return ctx;
}

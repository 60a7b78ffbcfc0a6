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

/** Exported for component tests, which pass the context in directly. */
export const REVIEW_CONTEXT_KEY = Symbol("review");

export function setReviewContext(ctx: ReviewContext): void {
  setContext(REVIEW_CONTEXT_KEY, ctx);
}

export function reviewContext(): ReviewContext {
  const ctx = getContext<ReviewContext | undefined>(REVIEW_CONTEXT_KEY);
  if (!ctx) throw new Error("reviewContext() outside the Review view");
  return ctx;
}

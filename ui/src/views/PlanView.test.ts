import { render, screen, within, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import PlanView from "./PlanView.svelte";
import type { HourSplit, PlanForm, PlanOverview, PlanProgress, PlanRate, PlanRates, PlanResult, ScheduleView } from "../lib/bindings";

const r = (value: number, source: PlanRate["source"], den = 0): PlanRate => ({
  value,
  source,
  basis: `${source} basis`,
  history_numerator: Math.round(value * den),
  history_denominator: den,
  min_history: 30,
});

const autoRates: PlanRates = {
  meeting_to_opportunity: r(0.5, "assumption"),
  conversation_to_meeting: r(0.25, "history", 80),
  connect_to_conversation: r(0.5, "history", 160),
  dial_to_connect: r(0.1, "history", 1600),
  dials_per_block: r(40, "history", 40),
};

const settings = { prime_time_start_minute: 540, prime_time_end_minute: 720, selling_hours_per_year: 1760, block_minutes: 52, break_minutes: 17 };

/** The core's split for 52 + 17-minute blocks, 2.5 h of prep and 30-minute meetings. */
function hours(blocksPerWeek: number, meetingsPerWeek: number): HourSplit {
  const week = [blocksPerWeek * 1.15, 2.5, meetingsPerWeek * 0.5];
  const other = Math.max(40 - week.reduce((a, b) => a + b, 0), 0);
  const kinds = ["prospecting", "prep", "meetings", "other"] as const;
  return {
    selling_hours_per_year: 1760,
    selling_hours_per_week: 40,
    weeks_per_year: 44,
    activities: [...week, other].map((h, i) => ({
      activity: kinds[i],
      hours_per_week: h,
      hours_per_year: h * 44,
      share: h / 40,
      basis: `${kinds[i]} basis`,
    })),
    over_by_hours_per_week: 0,
  };
}

function result(form: PlanForm): PlanResult {
  const rates = { ...autoRates };
  if (form.overrides?.dial_to_connect) rates.dial_to_connect = r(form.overrides.dial_to_connect, "user");
  const remaining = Math.max(form.quota - form.won_to_date, 0);
  const expected = form.open_pipeline / form.close_ratio;
  const toFind = Math.max(remaining - expected, 0);
  const wins = Math.ceil(toFind / form.deal_size);
  const covered = wins === 0;
  const opportunities = Math.ceil(wins * form.close_ratio);
  const meetings = Math.ceil(opportunities / rates.meeting_to_opportunity.value);
  const conversations = Math.ceil(meetings / rates.conversation_to_meeting.value);
  const connects = Math.ceil(conversations / rates.connect_to_conversation.value);
  const dials = Math.ceil(connects / rates.dial_to_connect.value);
  const blocks = Math.ceil(dials / rates.dials_per_block.value);
  const counts = { wins, opportunities, meetings, conversations, connects, dials };
  const split = (by: number) =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.ceil(v / by)])) as typeof counts;
  const blocksPerWeek = Math.ceil(blocks / 4.2);
  const cover = {
    quota: form.quota,
    won_to_date: form.won_to_date,
    remaining_quota: remaining,
    open_pipeline: form.open_pipeline,
    expected_from_pipeline: expected,
    to_find: covered ? 0 : toFind,
    covered,
    summary: covered
      ? "That covers the quota. Nothing more is needed to hit it; keep prospecting to fill the next period."
      : `${toFind} is left to find in new opportunities: if you're short, prospect.`,
  };
  return {
    period: form.period,
    starts_on: "2026-11-01",
    cover,
    hours: hours(blocksPerWeek, split(4.2).meetings),
    ends_on: "2026-11-30",
    working_days: 21,
    weeks: 4.2,
    calling_days: [0, 1, 2, 3, 4],
    quota: form.quota,
    deal_size: form.deal_size,
    close_ratio: form.close_ratio,
    ...counts,
    per_week: split(4.2),
    per_working_day: split(21),
    blocks,
    blocks_per_week: Math.ceil(blocks / 4.2),
    blocks_per_day: Math.ceil(blocks / 21),
    block_minutes: 52,
    block_hours_per_week: (Math.ceil(blocks / 4.2) * 52) / 60,
    selling_hours_per_week: 40,
    selling_hours_share: (Math.ceil(blocks / 4.2) * 52) / 60 / 40,
    meetings_per_block: 0.5,
    rates,
    notes: ["Every step rounds up: you cannot book half a meeting.", "w", "r", "s"],
  };
}

function progress(plan: PlanResult): PlanProgress {
  return {
    plan,
    as_of: "2026-11-16T15:00:00.000Z",
    time_zone: "America/Chicago",
    elapsed_working_days: 10,
    remaining_working_days: 11,
    stages: [
      { stage: "dials", target: plan.dials, expected_by_now: 1220, actual: 941, behind: 279 },
      { stage: "connects", target: plan.connects, expected_by_now: 122, actual: 109, behind: 13 },
      { stage: "conversations", target: plan.conversations, expected_by_now: 61, actual: 73, behind: -12 },
      { stage: "meetings", target: plan.meetings, expected_by_now: 16, actual: 10, behind: 6 },
    ],
    blocks_started: 18,
    blocks_completed: 17,
    meetings_behind: 6,
    extra_blocks_this_week: 12,
    scheduled_blocks_past: 2,
    missed_blocks: [
      {
        slot_id: "s1",
        kind: "block",
        theme_id: null,
        theme_name: "Texas",
        starts_at: "2026-11-10T15:00:00.000Z",
        ends_at: "2026-11-10T15:52:00.000Z",
        local_date: "2026-11-10",
        local_start: "09:00",
        time_zone: "America/Chicago",
      },
    ],
    this_week: {
      starts_on: "2026-11-16",
      from: "2026-11-16T06:00:00.000Z",
      until: "2026-11-16T15:00:00.000Z",
      dials: 52,
      connects: 6,
      conversations: 4,
      meetings: 1,
      blocks_started: 1,
      blocks_completed: 1,
      scheduled_blocks: 5,
      missed_blocks: 0,
    },
    summary: "6 meetings behind; at your rates that is 12 more blocks this week. 1 of 2 scheduled blocks missed this period.",
  };
}

const schedule: ScheduleView = { slots: [], time_zone: "America/Chicago", settings, default_file: "/home/ana/Documents/callblock-schedule.ics", next_due: null };

function overview(saved: PlanForm | null): PlanOverview {
  const plan = saved ? result(saved) : null;
  return {
    rep: { id: "r1", name: "Alex Rivera", email: null, time_zone: "America/Chicago" },
    today: "2026-11-16",
    time_zone: "America/Chicago",
    saved: saved ? { id: "p1", rep_id: "r1", inputs: { ...saved, starts_on: "2026-11-01" }, created_at: "2026-11-16T15:00:00.000Z" } : null,
    form: saved,
    progress: plan ? progress(plan) : null,
    history: { from: null, until: null, dials: 1600, connects: 160, conversations: 80, meetings: 20, completed_blocks: 40, dials_in_completed_blocks: 1600 },
    rates: autoRates,
    default_close_ratio: 4,
    settings,
  };
}

afterEach(() => clearMocks());

describe("PlanView", () => {
  it("previews the plan as the rep types, labels each rate's source, and saves it with its progress", async () => {
    const previews: PlanForm[] = [];
    let saved: PlanForm | null = null;
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      switch (cmd) {
        case "plan_overview":
          return overview(saved);
        case "preview_plan":
          previews.push(a.form as PlanForm);
          return result(a.form as PlanForm);
        case "save_plan":
          saved = a.form as PlanForm;
          return overview(saved);
        case "plan_schedule":
          return schedule;
        case "list_themes":
          return [];
        default:
          throw new Error(`unexpected command ${cmd}`);
      }
    });
    render(PlanView);
    const quota = await screen.findByRole("textbox", { name: "Quota for the month" });
    await waitFor(() => expect(quota).toHaveFocus());
    expect(screen.getByText(/Enter your quota and your average deal size/)).toBeInTheDocument();
    expect(screen.getByTestId("rate-source-dial_to_connect")).toHaveTextContent("Your history · 1,600 dials");
    expect(screen.getByTestId("rate-source-meeting_to_opportunity")).toHaveTextContent("Assumption");

    await userEvent.type(quota, "60,000");
    await userEvent.type(screen.getByRole("textbox", { name: "Average deal size" }), "15k");
    await userEvent.type(screen.getByRole("textbox", { name: "Your own dials that connect, in percent" }), "8");

    const output = await screen.findByTestId("plan-output");
    await waitFor(() => expect(previews.at(-1)?.overrides?.dial_to_connect).toBe(0.08));
    expect(previews.at(-1)).toMatchObject({ period: "month", quota: 60000, deal_size: 15000, close_ratio: 4 });
    // 4 wins, 16 opportunities, 32 meetings, 128 conversations, 256 connects, 3,200 dials.
    const funnel = within(output).getByRole("table", { name: "What the plan needs" });
    await waitFor(() => expect(within(funnel).getByRole("row", { name: /^Dials/ })).toHaveTextContent("3,200"));
    expect(within(funnel).getByRole("row", { name: /^Meetings/ })).toHaveTextContent("32");
    expect(screen.getByTestId("rate-source-dial_to_connect")).toHaveTextContent("Yours");
    expect(screen.getByTestId("plan-dirty")).toHaveTextContent("Not saved");

    await userEvent.keyboard("{Control>}s{/Control}");
    expect(await screen.findByTestId("plan-saved")).toHaveTextContent("Plan saved");
    expect(saved).toMatchObject({ quota: 60000, deal_size: 15000 });
    const gap = await screen.findByTestId("progress-summary");
    expect(gap).toHaveTextContent("6 meetings behind; at your rates that is 12 more blocks this week.");
    const progressTable = screen.getByRole("table", { name: "Progress against the plan" });
    const meetings = within(progressTable).getByRole("row", { name: /^Meetings/ });
    expect(meetings).toHaveTextContent("6 behind");
    expect(within(progressTable).getByRole("row", { name: /^Conversations/ })).toHaveTextContent("12 ahead");
    expect(screen.getByTestId("missed-blocks")).toHaveTextContent("1 of 2");
    expect(screen.getByTestId("missed-blocks")).toHaveTextContent("09:00 · Texas");
    expect(screen.queryByTestId("plan-dirty")).toBeNull();
  });

  it("takes what is won and open, says plainly when the quota is covered, and splits the selling hours", async () => {
    const previews: PlanForm[] = [];
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      if (cmd === "plan_overview") return overview(null);
      if (cmd === "preview_plan") {
        previews.push(a.form as PlanForm);
        return result(a.form as PlanForm);
      }
      if (cmd === "plan_schedule") return schedule;
      if (cmd === "list_themes") return [];
      throw new Error(`unexpected command ${cmd}`);
    });
    render(PlanView);
    await userEvent.type(await screen.findByRole("textbox", { name: "Quota for the month" }), "60,000");
    await userEvent.type(screen.getByRole("textbox", { name: "Average deal size" }), "15k");
    const won = screen.getByRole("textbox", { name: "Won so far this month" });
    await userEvent.type(won, "15k");
    const output = await screen.findByTestId("plan-output");
    await waitFor(() => expect(previews.at(-1)).toMatchObject({ won_to_date: 15000, open_pipeline: 0 }));
    expect(await within(output).findByTestId("plan-cover")).toHaveTextContent("45000 is left to find");
    const funnel = within(output).getByRole("table", { name: "What the plan needs" });
    await waitFor(() => expect(within(funnel).getByRole("row", { name: /^Wins/ })).toHaveTextContent("3"));

    // The hours of the week and the year, each activity named, the bar described.
    const table = within(output).getByRole("table", { name: "Selling hours by activity" });
    const prospecting = within(table).getByRole("row", { name: /^Prospecting blocks/ });
    // 3 wins -> 48 blocks -> 12 a week x 69 minutes = 13.8 h, 607 h a year.
    expect(prospecting).toHaveTextContent("13.8 h");
    expect(prospecting).toHaveTextContent("607 h");
    expect(within(table).getByRole("row", { name: /^Preparation/ })).toHaveTextContent("2.5 h");
    expect(within(table).getByRole("row", { name: /^Selling hours/ })).toHaveTextContent("1,760 h");
    expect(within(output).getByRole("img", { name: /^A week's selling hours: Prospecting blocks 35 %, Preparation 6 %/ })).toBeInTheDocument();

    // Open pipeline enough to cover the rest: said plainly, no table of zeros.
    await userEvent.type(screen.getByRole("textbox", { name: "Open pipeline" }), "200k");
    expect(await within(output).findByTestId("plan-covered")).toHaveTextContent("Nothing more is needed to hit it");
    expect(within(output).queryByRole("table", { name: "What the plan needs" })).toBeNull();
    expect(previews.at(-1)).toMatchObject({ won_to_date: 15000, open_pipeline: 200000 });
    expect(within(output).getByRole("row", { name: /^Prospecting blocks/ })).toHaveTextContent("0.0 h");

    // Not an amount: said at the field, nothing sent.
    await userEvent.clear(won);
    await userEvent.type(won, "lots");
    expect(await screen.findByText(/Enter an amount, such as 30,000/)).toBeInTheDocument();
    expect(won).toHaveAttribute("aria-invalid", "true");
    const sent = previews.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(previews.length).toBe(sent);
  });

  it("shows the core's refusal of impossible inputs and keeps Save off", async () => {
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      if (cmd === "plan_overview") return overview(null);
      if (cmd === "preview_plan") {
        const f = a.form as PlanForm;
        if (f.close_ratio < 1) throw { kind: "invalid", message: "close ratio: must be at least 1 (opportunities per win: 4 means one win in four); got 0.5" };
        return result(f);
      }
      if (cmd === "plan_schedule") return schedule;
      if (cmd === "list_themes") return [];
      throw new Error(`unexpected command ${cmd}`);
    });
    render(PlanView);
    await userEvent.type(await screen.findByRole("textbox", { name: "Quota for the month" }), "60000");
    await userEvent.type(screen.getByRole("textbox", { name: "Average deal size" }), "15000");
    const close = screen.getByRole("textbox", { name: "Close ratio" });
    await userEvent.clear(close);
    await userEvent.type(close, "0.5");
    expect(await screen.findByTestId("plan-error")).toHaveTextContent("Close ratio: must be at least 1");
    expect(screen.getByRole("button", { name: /Save plan/ })).toBeDisabled();
  });
});

import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import SettingsView from "./SettingsView.svelte";
import { outcomes, outcomeLabel } from "../lib/outcomes.svelte";

const defaults = {
  block_minutes: 52,
  break_minutes: 17,
  retry_business_days: 2,
  max_attempts: 6,
  calling_hour_start: 8,
  calling_hour_end: 17,
  conversation_seconds: 60,
  phase_opening_end: 45,
  phase_request_end: 60,
  phase_caution: 120,
  phase_limit: 180,
  objection_seconds: 20,
  default_region: "US",
  prime_time_start_minute: 540,
  prime_time_end_minute: 720,
  selling_hours_per_year: 1760,
  calling_days: [0, 1, 2, 3, 4],
  outcome_labels: {
    no_answer: "No answer",
    voicemail: "Voicemail left",
    gatekeeper: "Gatekeeper",
    bad_number: "Bad number",
    not_interested: "Not interested",
    callback: "Callback requested",
    meeting: "Meeting booked",
    do_not_call: "Do not call",
  } as Record<string, string>,
  outcome_keys: { no_answer: "1", voicemail: "2", gatekeeper: "3", bad_number: "4", not_interested: "5", callback: "6", meeting: "7", do_not_call: "8" } as Record<string, string>,
  work_start_minute: 540,
  work_end_minute: 1020,
  calendar_file: null,
};

afterEach(() => {
  clearMocks();
  outcomes.set(null);
});

describe("SettingsView", () => {
  it("saves a changed default and says what it affects", async () => {
    const saved: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return defaults;
      if (cmd === "save_settings") {
        const s = (args as { settings: typeof defaults }).settings;
        saved.push(s);
        return s;
      }
      throw new Error(cmd);
    });
    render(SettingsView);
    const length = await screen.findByLabelText(/Block length/);
    expect(length).toHaveValue(52);
    const save = screen.getByRole("button", { name: /Save settings/ });
    expect(save).toBeDisabled();
    await userEvent.clear(length);
    await userEvent.type(length, "45");
    await userEvent.click(save);
    expect(saved).toHaveLength(1);
    expect((saved[0] as typeof defaults).block_minutes).toBe(45);
    expect(await screen.findByRole("status")).toHaveTextContent(/Saved/);
  });

  it("edits the rep's own profile and tells the footer", async () => {
    const sent: unknown[] = [];
    let told = 0;
    window.addEventListener("callblock:profile-changed", () => told++);
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return defaults;
      if (cmd === "app_info") return { version: "0", db_path: "/x", db_error: null, current_rep: { id: "r", name: "Alex", email: null, time_zone: null } };
      if (cmd === "save_profile") {
        const p = (args as { profile: { name: string; email: string | null; time_zone: string | null } }).profile;
        sent.push(p);
        if (p.time_zone === "Mars/Base") throw { kind: "invalid", message: "time zone: \"Mars/Base\" is not an IANA time zone such as America/Chicago" };
        return { id: "r", ...p };
      }
      throw new Error(cmd);
    });
    render(SettingsView);
    const name = await screen.findByLabelText(/^Name/);
    await screen.findByDisplayValue("Alex");
    await userEvent.clear(name);
    await userEvent.type(name, "Alex Rivera");
    const zone = screen.getByLabelText(/^Time zone/);
    await userEvent.type(zone, "Mars/Base");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/not an IANA time zone/);
    await userEvent.clear(zone);
    await userEvent.type(zone, "America/Chicago");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Profile saved.");
    expect(sent.at(-1)).toEqual({ name: "Alex Rivera", email: null, time_zone: "America/Chicago", calling_days: [0, 1, 2, 3, 4], calendar_file: null });
    expect(told).toBe(1);
    // Calling days: Friday off, Saturday on; none at all is refused here.
    await userEvent.click(screen.getByRole("checkbox", { name: "Friday" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Saturday" }));
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    await waitFor(() => expect(sent).toHaveLength(3));
    expect((sent.at(-1) as { calling_days: number[] }).calling_days).toEqual([0, 1, 2, 3, 5]);
    for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Saturday"]) {
      await userEvent.click(screen.getByRole("checkbox", { name: day }));
    }
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Pick at least one day you call.");
    expect(sent).toHaveLength(3);
  });

  it("keeps the rep's calendar file, chosen or typed, as the core keeps it", async () => {
    const sent: { calendar_file: string | null }[] = [];
    let stored: string | null = null;
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return { ...defaults, calendar_file: stored };
      if (cmd === "app_info") return { version: "0", db_path: "/x", db_error: null, current_rep: { id: "r", name: "Alex", email: null, time_zone: null } };
      if (cmd === "pick_files") {
        expect((args as { kind: string }).kind).toBe("calendar");
        return ["/home/alex/Calendars/work.ics"];
      }
      if (cmd === "save_profile") {
        const p = (args as { profile: { calendar_file: string | null; name: string } }).profile;
        sent.push(p);
        if (p.calendar_file?.startsWith("https:")) throw { kind: "invalid", message: "calendar: \"https://x\" is a web address" };
        stored = p.calendar_file?.replace("file://", "") ?? null;
        return { id: "r", name: p.name, email: null, time_zone: null };
      }
      throw new Error(cmd);
    });
    render(SettingsView);
    await screen.findByDisplayValue("Alex");
    const field = screen.getByLabelText(/^Calendar \(\.ics file\)/);
    expect(field).toHaveAccessibleDescription(/Read-only/);
    await userEvent.click(screen.getByRole("button", { name: "Choose a file…" }));
    expect(field).toHaveValue("/home/alex/Calendars/work.ics");
    await userEvent.clear(field);
    await userEvent.type(field, "https://x");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("is a web address");
    await userEvent.clear(field);
    await userEvent.type(field, "file:///home/alex/work.ics");
    await userEvent.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Profile saved.");
    expect(sent.at(-1)?.calendar_file).toBe("file:///home/alex/work.ics");
    await waitFor(() => expect(field).toHaveValue("/home/alex/work.ics"));
  });

  it("shows the core's reason when the numbers do not fit together", async () => {
    mockIPC((cmd) => {
      if (cmd === "get_settings") return defaults;
      if (cmd === "app_info") return { version: "0", db_path: "/x", db_error: null, current_rep: null };
      if (cmd === "save_settings") throw { kind: "invalid", message: "phases: thresholds must increase: opening < request < caution < limit" };
      throw new Error(cmd);
    });
    render(SettingsView);
    const caution = await screen.findByLabelText(/Caution from/);
    await userEvent.clear(caution);
    await userEvent.type(caution, "30");
    await userEvent.keyboard("{Control>}s{/Control}");
    expect(await screen.findByRole("alert")).toHaveTextContent("thresholds must increase");
  });

  it("edits the outcomes' labels and keys, checks them before saving and tells the app", async () => {
    const saved: (typeof defaults)[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return defaults;
      if (cmd === "list_objections") return [{ id: "o1", slug: "email", label: "Send me an email", hotkey: "q", position: 0, archived_at: null, response: null, overrides: [], warnings: [] }];
      if (cmd === "save_settings") {
        const s = (args as { settings: typeof defaults }).settings;
        saved.push(s);
        return s;
      }
      throw new Error(cmd);
    });
    render(SettingsView);
    const label = await screen.findByRole("textbox", { name: "Label for Meeting booked" });
    const key = screen.getByRole("textbox", { name: "Key for Meeting booked" });
    expect(label).toHaveValue("Meeting booked");
    expect(key).toHaveValue("7");
    // An objection's hotkey, then another outcome's label: said in words, nothing sent.
    await userEvent.clear(key);
    await userEvent.type(key, "q");
    expect(await screen.findByText("The key q is already the hotkey of the objection “Send me an email”.")).toBeInTheDocument();
    expect(key).toHaveAttribute("aria-invalid", "true");
    await userEvent.clear(label);
    await userEvent.type(label, "no answer");
    expect(screen.getByText("“no answer” is already the label of No answer.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /Save settings/ }));
    expect(await screen.findByText(/outcome labels or keys need a change/)).toBeInTheDocument();
    expect(saved).toHaveLength(0);
    // Fixed: saved, and every view's words follow.
    await userEvent.clear(label);
    await userEvent.type(label, "Demo set");
    await userEvent.clear(key);
    await userEvent.type(key, "M");
    expect(screen.queryByText(/already the/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /Save settings/ }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].outcome_labels.meeting).toBe("Demo set");
    expect(saved[0].outcome_keys.meeting).toBe("M");
    expect(saved[0].outcome_keys.no_answer).toBe("1");
    expect(await screen.findByRole("status")).toHaveTextContent(/Saved/);
    expect(outcomeLabel("meeting")).toBe("Demo set");
    expect(outcomes.def("meeting").key).toBe("m");
    // Restore defaults puts domain.md's words and the number keys back.
    await userEvent.click(screen.getByRole("button", { name: "Restore defaults" }));
    expect(screen.getByRole("textbox", { name: "Label for Meeting booked" })).toHaveValue("Meeting booked");
    expect(screen.getByRole("textbox", { name: "Key for Meeting booked" })).toHaveValue("7");
    expect(screen.getByRole("button", { name: /Save settings/ })).toBeEnabled();
  });
});

import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import MeetingSlots from "./MeetingSlots.svelte";
import { localInputOf } from "../../lib/meetingSlots";

const slot = (starts_at: string, rep_time: string, prospect_time: string) => ({ starts_at, rep_time, prospect_time, inside_their_hours: true });

afterEach(() => clearMocks());

describe("MeetingSlots", () => {
  it("lists the free slots by day, both zones named; a click fills the box; arrows move", async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "meeting_slots") {
        asked.push(args);
        return {
          days: [
            { date: "2026-04-14", label: "Tue 14 Apr", slots: [slot("2026-04-14T08:00:00Z", "10:00 CEST", "09:00 BST"), slot("2026-04-14T09:00:00Z", "11:00 CEST", "10:00 BST")] },
            { date: "2026-04-15", label: "Wed 15 Apr", slots: [] },
          ],
          source: "From your calendar work.ics",
          calendar: "work.ics",
          warning: "1 of 9 events in work.ics could not be read: their times may show as free.",
          rep_zone: "Europe/Paris",
          prospect_zone: "Europe/London",
          duration_minutes: 30,
        };
      }
      throw new Error(cmd);
    });
    const picked: string[] = [];
    const zones: string[] = [];
    render(MeetingSlots, { prospectId: "p1", minutes: 30, value: "", onpick: (v: string) => picked.push(v), onzone: (z: string) => zones.push(z) });
    const first = await screen.findByRole("button", { name: "Tue 14 Apr 10:00 CEST · 09:00 BST (prospect)" });
    expect(first).toHaveTextContent("10:00 CEST · 09:00 BST");
    expect(asked[0]).toMatchObject({ prospectId: "p1", durationMinutes: 30 });
    expect(zones).toEqual(["Europe/Paris"]);
    expect(screen.getByTestId("slots-source")).toHaveTextContent("your time · the prospect's");
    expect(screen.getByTestId("slots-source")).toHaveTextContent("From your calendar work.ics");
    expect(screen.getByRole("status")).toHaveTextContent("could not be read");
    expect(screen.queryByText("Wed 15 Apr")).toBeNull();
    expect(screen.getByRole("group", { name: "Free slots" })).toBeInTheDocument();
    // One tab stop; the arrows go through the slots.
    expect(first).toHaveAttribute("tabindex", "0");
    first.focus();
    await userEvent.keyboard("{ArrowRight}");
    const second = screen.getByRole("button", { name: /11:00 CEST/ });
    await waitFor(() => expect(second).toHaveFocus());
    await userEvent.keyboard("{Enter}");
    // In the rep's time, as the button says it.
    expect(picked).toEqual(["2026-04-14T11:00"]);
    expect(picked).toEqual([localInputOf("2026-04-14T09:00:00Z", "Europe/Paris")]);
  });

  it("says when the slots could not be had", async () => {
    mockIPC((cmd) => {
      if (cmd === "meeting_slots") throw { kind: "not_found", message: "prospect not found: p1" };
      throw new Error(cmd);
    });
    render(MeetingSlots, { prospectId: "p1", minutes: 30, value: "", onpick: () => {} });
    expect(await screen.findByRole("status")).toHaveTextContent("No free slots: Prospect not found: p1");
  });
});

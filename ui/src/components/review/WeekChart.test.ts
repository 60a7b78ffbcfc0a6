import { render, screen } from "@testing-library/svelte";
import WeekChart from "./WeekChart.svelte";
import { COLORS } from "../../lib/review";

// jsdom lays nothing out: give the chart's box a width so that it draws.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;
beforeAll(() => Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 600 }));
afterAll(() => delete (HTMLElement.prototype as { clientWidth?: number }).clientWidth);

const labels = ["Oct 26", "Nov 2", "Nov 9", "Nov 16"];

describe("the chart of weeks", () => {
  it("draws counts as columns, the plan as dashed lines over the weeks it covers, with its axes named", () => {
    render(WeekChart, {
      props: {
        labels,
        label: "Alex Rivera: dials per week",
        panels: [{ title: "Dials per week", kind: "count", color: COLORS.dial, values: [400, 650, 0, 150], target: [null, 610, 610, 305] }],
      },
    });
    const svg = screen.getByRole("img", { name: "Alex Rivera: dials per week" });
    expect(svg.querySelectorAll("rect").length).toBe(4);
    // 610 twice in a row is one line; 305 another: none before the plan.
    const dashed = [...svg.querySelectorAll("line[stroke-dasharray]")];
    expect(dashed.map((l) => l.querySelector("title")?.textContent)).toEqual(["Plan: 610 a week", "Plan: 305 a week"]);
    // From the second week's left edge: 56 px of axis, weeks of (600 - 56 - 10) / 4 px.
    expect(Number(dashed[0].getAttribute("x1"))).toBeCloseTo(56 + 133.5 + 1);
    expect(svg.textContent).toContain("Dials per week");
    expect(svg.textContent).toContain("Week starting Monday (UTC)");
    expect(svg.textContent).toContain("- - - plan");
    expect(svg.textContent).toContain("Nov 9");
  });

  it("draws a rate as a line broken where a week has none, a small sample hollow and grey", () => {
    render(WeekChart, {
      props: {
        labels,
        label: "rate",
        partial: 3,
        panels: [
          {
            title: "Conversation rate",
            kind: "rate",
            color: COLORS.connect,
            values: [0.4, null, 0.5, 0.6],
            small: [false, false, true, false],
          },
        ],
      },
    });
    const svg = screen.getByRole("img", { name: "rate" });
    expect(svg.querySelectorAll("path").length).toBe(2);
    const points = [...svg.querySelectorAll("circle")];
    expect(points.length).toBe(3);
    expect(points[1].getAttribute("stroke")).toBe(COLORS.small);
    expect(points[1].getAttribute("fill")).toBe("#ffffff");
    expect(points[0].getAttribute("fill")).toBe(COLORS.connect);
    expect(points[2].querySelector("title")?.textContent).toBe("Nov 16 (so far): 60 %");
    expect(svg.querySelector("line[stroke-dasharray]")).toBeNull();
  });
});

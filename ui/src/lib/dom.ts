// Small DOM helpers that respect the CSP (style-src 'self'): styles set
// through the CSSOM (element.style), never through style="" attributes.

/** A Svelte action: set CSS properties on the element (`use:css={{ height: "20px" }}`). */
export function css(node: HTMLElement | SVGElement, props: Record<string, string | null | undefined>) {
  let last: Record<string, string | null | undefined> = {};
  const apply = (next: Record<string, string | null | undefined>) => {
    for (const k of Object.keys(last)) if (!(k in next)) node.style.removeProperty(k);
    for (const [k, v] of Object.entries(next)) {
      if (v === null || v === undefined) node.style.removeProperty(k);
      else node.style.setProperty(k, v);
    }
    last = next;
  };
  apply(props);
  return { update: apply };
}

/** The SVG chart as a standalone document (its colours are attributes, so it looks the same in a file). */
export function svgDocument(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const w = svg.getAttribute("width") ?? String(svg.clientWidth);
  const h = svg.getAttribute("height") ?? String(svg.clientHeight);
  clone.setAttribute("width", w);
  clone.setAttribute("height", h);
  // A white background: image viewers show transparency as black or a grid.
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("fill", "#ffffff");
  clone.insertBefore(bg, clone.firstChild);
  clone.querySelectorAll("[class]").forEach((el) => el.removeAttribute("class"));
  clone.removeAttribute("class");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** Several charts stacked into one SVG (a figure drawn in parts). */
export function stackCharts(svgs: SVGSVGElement[]): SVGSVGElement {
  if (svgs.length === 1) return svgs[0];
  const ns = "http://www.w3.org/2000/svg";
  const out = document.createElementNS(ns, "svg");
  let y = 0;
  let w = 0;
  for (const s of svgs) {
    const h = Number(s.getAttribute("height") ?? s.clientHeight);
    const sw = Number(s.getAttribute("width") ?? s.clientWidth);
    const c = s.cloneNode(true) as SVGSVGElement;
    c.setAttribute("y", String(y));
    c.setAttribute("x", "0");
    out.appendChild(c);
    y += h + 12;
    w = Math.max(w, sw);
  }
  out.setAttribute("width", String(w));
  out.setAttribute("height", String(Math.max(0, y - 12)));
  out.setAttribute("viewBox", `0 0 ${w} ${Math.max(0, y - 12)}`);
  return out;
}

/** The SVG chart drawn on a canvas, as a PNG data URL (twice the size, for sharp text). */
export function svgToPng(svg: SVGSVGElement, scale = 2): Promise<string> {
  const text = svgDocument(svg);
  const w = Number(svg.getAttribute("width") ?? svg.clientWidth);
  const h = Number(svg.getAttribute("height") ?? svg.clientHeight);
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
    const img = new Image();
    img.onload = () => {
      try {
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        const ctx = canvas.getContext("2d");
        if (!ctx) throw new Error("This window cannot draw on a canvas; save the chart as .svg instead.");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.scale(scale, scale);
        ctx.drawImage(img, 0, 0, w, h);
        resolve(canvas.toDataURL("image/png"));
      } catch (e) {
        reject(e);
      } finally {
        URL.revokeObjectURL(url);
      }
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("The chart could not be drawn as an image; save it as .svg instead."));
    };
    img.src = url;
  });
}

/**
 * Roving focus in a row of tabs, chips or radio buttons: the index `key`
 * moves to from `i` among `n` (wrapping; Home and End go to the ends), or
 * null when the key does not move. `upDown` also moves with ArrowUp/ArrowDown.
 */
export function rovingIndex(key: string, i: number, n: number, upDown = false): number | null {
  if (n <= 0) return null;
  if (key === "ArrowRight" || (upDown && key === "ArrowDown")) return (i + 1) % n;
  if (key === "ArrowLeft" || (upDown && key === "ArrowUp")) return (i - 1 + n) % n;
  if (key === "Home") return 0;
  if (key === "End") return n - 1;
  return null;
}

// Punctuality charts as SVG drawn here: stacked weekly bars and an hour-of-day histogram.
// Each series has a colour AND a pattern, and every chart has a table twin for screen readers.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "./ui.js";

/**
 * Charts are drawn at the width they get (not scaled from a fixed one), so their text stays
 * readable on a phone.
 */
function useWidth(fallback) {
  const ref = useRef(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    if (!ref.current) return undefined;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(240, Math.round(entry.contentRect.width))));
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

const SERIES = [
  { key: "onTime", label: "On time", className: "s-on-time", fill: "#15803d" },
  { key: "late", label: "Late", className: "s-late", fill: "url(#pattern-late)" },
  { key: "missed", label: "Missed", className: "s-missed", fill: "url(#pattern-missed)" },
];

export function Patterns() {
  return html`<svg width="0" height="0" aria-hidden="true" focusable="false" class="defs">
    <defs>
      <pattern id="pattern-late" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="var(--warn)" /><rect width="2" height="6" fill="rgba(255,255,255,.55)" />
      </pattern>
      <pattern id="pattern-missed" width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="var(--bad)" /><circle cx="3" cy="3" r="1.2" fill="rgba(255,255,255,.7)" />
      </pattern>
    </defs>
  </svg>`;
}

export function Legend() {
  return html`<ul class="legend" aria-hidden="true">
    ${SERIES.map((s) => html`<li><svg width="14" height="14"><rect width="14" height="14" rx="2" fill=${s.fill} /></svg> ${s.label}</li>`)}
  </ul>`;
}

const niceMax = (value) => (value <= 4 ? 4 : Math.ceil(value / 4) * 4);

/** Stacked bars: on time, late, missed per week. */
export { shortDate };

export function WeeklyChart({ weeks, label }) {
  const [ref, width] = useWidth(640);
  const height = 220;
  const pad = { left: 28, right: 22, top: 10, bottom: 34 };
  const max = niceMax(Math.max(0, ...weeks.map((w) => w.onTime + w.late + w.missed)));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / weeks.length;
  const barW = Math.min(36, slot * 0.7);
  const y = (value) => pad.top + plotH - (value / max) * plotH;
  const ticks = [0, max / 4, max / 2, (3 * max) / 4, max];
  // One date label per ~56 px.
  const labelEvery = Math.max(1, Math.ceil(56 / slot));

  return html`<div ref=${ref} class="chart-box"><svg class="chart" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${label} preserveAspectRatio="xMidYMid meet">
    ${ticks.map((t) => html`<g key=${t}><line x1=${pad.left} x2=${width - pad.right} y1=${y(t)} y2=${y(t)} class="grid" /><text x=${pad.left - 6} y=${y(t) + 4} class="tick" text-anchor="end">${t}</text></g>`)}
    ${weeks.map((week, index) => {
      const x = pad.left + index * slot + (slot - barW) / 2;
      let base = 0;
      return html`<g key=${week.weekStart}>
        ${SERIES.map((s) => {
          const value = week[s.key];
          if (!value) return null;
          const top = y(base + value);
          const bottom = y(base);
          base += value;
          return html`<rect x=${x} y=${top} width=${barW} height=${bottom - top} fill=${s.fill} class=${s.className}><title>${`Week of ${week.weekStart}: ${value} ${s.label.toLowerCase()}`}</title></rect>`;
        })}
        ${(weeks.length - 1 - index) % labelEvery !== 0 ? null : html`<text x=${x + barW / 2} y=${height - pad.bottom + 16} class="tick" text-anchor="middle">${shortDate(week.weekStart)}</text>`}
      </g>`;
    })}
  </svg></div>`;
}

/** Late and missed meetings by the hour they started, within the hours that have any meetings. */
export function HourChart({ hours, label }) {
  const [ref, width] = useWidth(640);
  const used = hours.filter((h) => h.meetings > 0);
  const first = used.length ? Math.min(...used.map((h) => h.hour)) : 8;
  const last = used.length ? Math.max(...used.map((h) => h.hour)) : 18;
  const shown = hours.filter((h) => h.hour >= Math.min(first, 8) && h.hour <= Math.max(last, 18));
  const height = 180;
  const pad = { left: 28, right: 8, top: 10, bottom: 30 };
  const max = niceMax(Math.max(0, ...shown.map((h) => h.late + h.missed)));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / shown.length;
  const barW = Math.min(28, slot * 0.7);
  const y = (value) => pad.top + plotH - (value / max) * plotH;
  // "10 AM" needs about 40 px.
  const labelEvery = Math.max(1, Math.ceil(40 / slot));

  return html`<div ref=${ref} class="chart-box"><svg class="chart" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${label} preserveAspectRatio="xMidYMid meet">
    ${[0, max / 2, max].map((t) => html`<g key=${t}><line x1=${pad.left} x2=${width - pad.right} y1=${y(t)} y2=${y(t)} class="grid" /><text x=${pad.left - 6} y=${y(t) + 4} class="tick" text-anchor="end">${t}</text></g>`)}
    ${shown.map((h, index) => {
      const x = pad.left + index * slot + (slot - barW) / 2;
      const lateTop = y(h.late);
      const missedTop = y(h.late + h.missed);
      return html`<g key=${h.hour}>
        ${h.late > 0 && html`<rect x=${x} y=${lateTop} width=${barW} height=${y(0) - lateTop} fill="url(#pattern-late)"><title>${`${hourLabel(h.hour)}: ${h.late} late`}</title></rect>`}
        ${h.missed > 0 && html`<rect x=${x} y=${missedTop} width=${barW} height=${lateTop - missedTop} fill="url(#pattern-missed)"><title>${`${hourLabel(h.hour)}: ${h.missed} missed`}</title></rect>`}
        ${index % labelEvery === 0 && html`<text x=${x + barW / 2} y=${height - pad.bottom + 16} class="tick" text-anchor="middle">${hourLabel(h.hour)}</text>`}
      </g>`;
    })}
  </svg></div>`;
}

/** "9 AM", "12 PM": the dashboard's 12-hour clock. */
const hourLabel = (hour) => `${hour % 12 === 0 ? 12 : hour % 12} ${hour < 12 ? "AM" : "PM"}`;

// en-US as every other date on the dashboard ("Dec 3"), whatever the browser's language.
const weekLabel = new Intl.DateTimeFormat("en-US", { day: "numeric", month: "short", timeZone: "UTC" });
const shortDate = (isoDate) => weekLabel.format(new Date(isoDate + "T12:00:00Z"));

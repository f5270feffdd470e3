// Punctuality: is the habit improving? Weekly on-time/late/missed, average lateness, bad hours.
import { api } from "../api.js";
import { HourChart, Legend, Patterns, shortDate, WeeklyChart } from "../charts.js";
import { plural } from "../format.js";
import { Empty, html, Loading, Problem, Section, useResource } from "../ui.js";

export function PunctualityPage({ refreshKey, headingRef }) {
  const [state, reload] = useResource(() => api.get("/api/punctuality"), [refreshKey]);
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Punctuality</h1>
    ${state.status === "loading" && html`<${Loading} what="your punctuality" />`}
    ${!state.data && state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${state.data && html`<${Report} report=${state.data} />`}
  `;
}

function Report({ report }) {
  const { totals, weeks, hours } = report;
  const counted = totals.onTime + totals.late + totals.missed;
  if (counted === 0) {
    return html`<${Empty} title="Nothing to chart yet.">Once meetings you were watched for are over (attended or confirmed missed), this page shows, week by week, how many you made on time, late or missed over the last 12 weeks.</${Empty}>`;
  }
  const onTimeShare = Math.round((totals.onTime / counted) * 100);
  const worst = [...hours].filter((h) => h.late + h.missed > 0).sort((a, b) => b.late + b.missed - (a.late + a.missed) || a.hour - b.hour).slice(0, 3);
  return html`
    <${Patterns} />
    <div class="stats">
      <div class="stat"><span class="stat-value">${onTimeShare}%</span><span class="stat-label">on time (${totals.onTime} of ${counted})</span></div>
      <div class="stat"><span class="stat-value">${totals.late}</span><span class="stat-label">late</span></div>
      <div class="stat"><span class="stat-value">${totals.missed}</span><span class="stat-label">missed</span></div>
      <${MinutesLate} report=${report} />
    </div>
    <p class="trend">${trend(weeks)}</p>

    <${Section} title="The last 12 weeks" id="weeks" actions=${html`<${Legend} />`}>
      <${WeeklyChart} weeks=${weeks} label=${`Meetings per week over the last 12 weeks: ${totals.onTime} on time, ${totals.late} late, ${totals.missed} missed. The table below has each week.`} />
      <details>
        <summary>Show as a table</summary>
        <table>
          <caption class="visually-hidden">Meetings per week</caption>
          <thead><tr><th scope="col">Week of</th><th scope="col">On time</th><th scope="col">Late</th><th scope="col">Missed</th></tr></thead>
          <tbody>${weeks.map((w) => html`<tr key=${w.weekStart}><th scope="row">${shortDate(w.weekStart)}</th><td>${w.onTime}</td><td>${w.late}</td><td>${w.missed}</td></tr>`)}</tbody>
        </table>
      </details>
    </${Section}>

    <${Section} title="Which hours go wrong" id="hours">
      ${worst.length === 0
        ? html`<p>No late or missed meetings in these 12 weeks. Well done.</p>`
        : html`<p>Most trouble: ${worst.map((h) => `${hourRange(h.hour)} (${[h.late && `${h.late} late`, h.missed && `${h.missed} missed`].filter(Boolean).join(", ")} of ${plural(h.meetings, "meeting")})`).join("; ")}.</p>`}
      <${HourChart} hours=${hours} label=${`Late and missed meetings by the hour they started. ${worst.length ? "Worst: " + hourRange(worst[0].hour) + "." : ""}`} />
      <details>
        <summary>Show as a table</summary>
        <table>
          <caption class="visually-hidden">Meetings by starting hour</caption>
          <thead><tr><th scope="col">Hour</th><th scope="col">Meetings</th><th scope="col">Late</th><th scope="col">Missed</th></tr></thead>
          <tbody>${hours.filter((h) => h.meetings > 0).map((h) => html`<tr key=${h.hour}><th scope="row">${hourRange(h.hour)}</th><td>${h.meetings}</td><td>${h.late}</td><td>${h.missed}</td></tr>`)}</tbody>
        </table>
      </details>
    </${Section}>
    <p class="muted">Weeks start on Monday in ${report.timeZone}. Counted: meetings you attended or confirmed missing. Late means you joined or checked in after your grace minutes.</p>
  `;
}

/**
 * The late figure and the minutes figure must agree: a late meeting with no recorded arrival
 * (seen late by detection, never joined a call we can read) counts as late but has no minutes,
 * so the label says how many the average is over instead of showing a bare dash.
 */
function MinutesLate({ report }) {
  const { late } = report.totals;
  const measured = report.lateMeasured;
  if (late === 0) return html`<div class="stat"><span class="stat-value">0</span><span class="stat-label">minutes late: never late</span></div>`;
  if (measured === 0 || report.averageMinutesLate === null) {
    return html`<div class="stat"><span class="stat-value">?</span><span class="stat-label">minutes late: no arrival time recorded for ${late === 1 ? "the late meeting" : `the ${late} late meetings`}</span></div>`;
  }
  const over = measured === late ? (late === 1 ? "for the late meeting" : "on average") : `on average over ${measured} of ${late} late (the others have no arrival time)`;
  return html`<div class="stat"><span class="stat-value">${Math.round(report.averageMinutesLate)}</span><span class="stat-label">minutes late ${over}</span></div>`;
}

/** "9–10 AM", "11 AM–12 PM": the same 12-hour clock as every other time on the dashboard. */
function hourRange(hour) {
  const label = (h) => ({ number: h % 12 === 0 ? 12 : h % 12, period: h < 12 || h === 24 ? "AM" : "PM" });
  const from = label(hour);
  const to = label(hour + 1);
  return from.period === to.period ? `${from.number}–${to.number} ${to.period}` : `${from.number} ${from.period}–${to.number} ${to.period}`;
}

/** Compares the share of late or missed meetings in the last 4 weeks with the 4 before. */
function trend(weeks) {
  const share = (list) => {
    const all = list.reduce((n, w) => n + w.onTime + w.late + w.missed, 0);
    return all === 0 ? null : list.reduce((n, w) => n + w.late + w.missed, 0) / all;
  };
  const recent = share(weeks.slice(-4));
  const before = share(weeks.slice(-8, -4));
  if (recent === null || before === null) return "Not enough weeks yet to tell a trend.";
  const points = Math.round((before - recent) * 100);
  if (Math.abs(points) < 5) return `Steady: ${Math.round(recent * 100)}% of meetings went wrong in the last 4 weeks, about as in the 4 before.`;
  return points > 0
    ? `Improving: ${Math.round(recent * 100)}% of meetings went wrong in the last 4 weeks, down from ${Math.round(before * 100)}%.`
    : `Slipping: ${Math.round(recent * 100)}% of meetings went wrong in the last 4 weeks, up from ${Math.round(before * 100)}%.`;
}

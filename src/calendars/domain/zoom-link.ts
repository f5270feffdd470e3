/**
 * The Zoom meeting number in a join link, wherever the event carries it: the location, the
 * description, the conference URL. Zoom's links name the meeting by its number on zoom.us or an
 * account's vanity subdomain (`acme.zoom.us/j/<id>`, `/w/` for webinars, `/s/` to start it) and in
 * the desktop client's scheme (`zoommtg://zoom.us/join?confno=<id>`). Personal links by name
 * (`zoom.us/my/<name>`) carry no number: they cannot be matched to a meeting.
 */
const WEB_LINK = /\b(?:[a-z0-9-]+\.)*zoom\.us\/(?:j|w|s|wc\/join|wc)\/(\d{9,12})(?!\d)/i;
const CLIENT_LINK = /\bzoommtg:\/\/(?:[a-z0-9-]+\.)*zoom\.us\/join\?\S*?\bconfno=(\d{9,12})(?!\d)/i;

export function zoomMeetingIdIn(text: string | null | undefined): string | null {
  if (!text) return null;
  const match = WEB_LINK.exec(text) ?? CLIENT_LINK.exec(text);
  return match?.[1] ?? null;
}

/** The first Zoom meeting number among the event's fields, the conference URL first (the most deliberate). */
export function zoomMeetingIdOf(facts: { conferenceUrl: string | null; location: string | null; description: string | null }): string | null {
  for (const text of [facts.conferenceUrl, facts.location, facts.description]) {
    const id = zoomMeetingIdIn(text);
    if (id) return id;
  }
  return null;
}

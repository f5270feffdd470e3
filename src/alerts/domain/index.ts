/** The pure part of alerts: what each one says. */
export { digestAlert, lateAlert, nudgeAlert, placesHeadsUp, stillInCallHeadsUp, suspectedMissedAlert, type AlertText, type DigestItem } from "./alert-wording.js";

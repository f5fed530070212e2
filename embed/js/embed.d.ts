// TypeScript declarations for Adact's embed.js: `window.renderAdact`, its
// options, the campaign handle it resolves to, and the events `onEvent`
// receives. The Adact server serves this file at /embed.d.ts, beside
// /embed.js. Save it in your project (say `src/adact.d.ts`, included by your
// tsconfig.json) and `renderAdact` is typed everywhere; import the types
// with `import type { AdactEvent } from "./adact"`.

/** The player as your site knows them. */
export interface AdactUser {
  /** Your id for the player: the same id is the same player on every device. A number is sent as its text. */
  id?: string | number;
  /** Starts the registration form's email field. */
  email?: string;
  /** Starts the registration form's name field. */
  name?: string;
}

/** What `renderAdact` takes. */
export interface AdactOptions {
  /** The title of a segment of your account, e.g. `'Default Users'`. */
  segment: string;
  /**
   * Where the campaign goes: a CSS selector or an element to render into.
   * Without it, right after the inline `<script>` that calls renderAdact,
   * else at the end of `<body>`.
   */
  container?: string | Element;
  /** The player; without `user.id` the embed keeps an anonymous id in localStorage. */
  user?: AdactUser;
  /**
   * The player's identity signed by your backend: an HS256 JWT with the
   * account's identity secret (claims `sub`, optional `email`, `name`, `exp`).
   */
  userToken?: string;
  /** The language of the embed's own words, a BCP 47 tag such as `'de'` or `'de-AT'`; else the page's, then the browser's. */
  locale?: string;
  /** Called with each event as it happens; an exception it throws is reported once in the console. */
  onEvent?: (event: AdactEvent) => void;
}

/** A campaign on the page. */
export interface AdactCampaign {
  /** The id of the campaign shown (`cmp_...`). */
  readonly campaignId: string;
  /** The segment it was rendered for. */
  readonly segment: string;
  /** Removes the campaign from the page, with its listeners. */
  destroy(): void;
}

// The events: each is the very body the server sends to webhook endpoints
// (docs/events.md, and the `webhooks` of /api/v1/openapi.json), handed to
// `onEvent` as the server answered it.

/** What every event carries: the webhook's envelope. */
export interface AdactEventBase {
  /** The event's id (`evt_...`), the same as its webhook's `webhook-id` header. */
  id: string;
  /** The payload's version: additive changes keep it, breaking ones bump it. */
  version: number;
  /** When the server recorded the event: RFC 3339 UTC with milliseconds. */
  timestamp: string;
  /** Your account's number for the event: 1, 2, 3 … in the order its events were recorded. */
  sequence: number;
}

/** Your account. */
export interface AdactAccount {
  id: string;
  name: string;
}

/** The campaign played. */
export interface AdactCampaignRef {
  /** `cmp_...` */
  id: string;
  name: string;
  kind: "wheel" | "scratch" | "giftbox" | "quiz";
}

/** The segment the page rendered. */
export interface AdactSegment {
  /** `seg_...` */
  id: string;
  /** `null` once the segment was deleted. */
  title: string | null;
}

/** The player's last answer to a form's consent checkbox. */
export interface AdactConsent {
  given: boolean;
  /** The checkbox's label the player was shown; `null` until a form asked. */
  text: string | null;
  /** When they answered (RFC 3339); `null` until a form asked. */
  at: string | null;
}

/** The player, as your account knows them. */
export interface AdactPlayer {
  /** `plr_...` */
  id: string;
  /** The signed token's `sub`, else `user.id`, else `anon:` and the anonymous id. */
  external_id: string;
  email: string | null;
  name: string | null;
  /** The registration form's values stored for the player, by field key. */
  fields: Record<string, string>;
  consent: AdactConsent;
  /** RFC 3339 */
  created_at: string;
  /** RFC 3339 */
  updated_at: string;
}

/** A prize won and its code. */
export interface AdactPrize {
  /** `prz_...` */
  id: string;
  name: string;
  description: string;
  /** The player's code; `null` when none was issued. */
  code: string | null;
  /** The last day the code works (`YYYY-MM-DD`), as the marketer set it; `null` when it does not expire. */
  valid_until: string | null;
}

/** How the game ended. */
export interface AdactOutcome {
  won: boolean;
  /** `null` for "no prize". */
  prize: AdactPrize | null;
  /** Right answers, for a quiz; else `null`. */
  score: number | null;
}

/** What every play event's `data` holds. */
export interface AdactPlayData {
  account: AdactAccount;
  campaign: AdactCampaignRef;
  segment: AdactSegment;
  player: AdactPlayer | null;
  /** The play: the same for every event of one render (`play_...`). */
  play: { id: string };
}

/** The player registered with your account for the first time. */
export interface AdactPlayerCreated extends AdactEventBase {
  type: "player.created";
  data: AdactPlayData;
}

/** A known player registered again. */
export interface AdactPlayerUpdated extends AdactEventBase {
  type: "player.updated";
  data: AdactPlayData;
}

/** The game step finished: the wheel stopped, the card was scratched, the box opened, the quiz answered. */
export interface AdactGameEnded extends AdactEventBase {
  type: "game.ended";
  data: AdactPlayData & { outcome: AdactOutcome };
}

/** A prize was won and its code issued. */
export interface AdactPrizeAssigned extends AdactEventBase {
  type: "prize.assigned";
  data: AdactPlayData & { prize: AdactPrize };
}

/** The player reached the end screen. */
export interface AdactGameplayFinished extends AdactEventBase {
  type: "gameplay.finished";
  data: AdactPlayData & { outcome: AdactOutcome };
}

/** An event as `onEvent` receives it; tell them apart by `type`. */
export type AdactEvent =
  | AdactPlayerCreated
  | AdactPlayerUpdated
  | AdactGameEnded
  | AdactPrizeAssigned
  | AdactGameplayFinished;

export interface RenderAdact {
  /**
   * Renders the campaign of a segment: `renderAdact({segment: 'Default Users'})`,
   * or just `renderAdact('Default Users')`. Resolves to the campaign, or to
   * `null` after one `console.warn` when it cannot be shown (unknown
   * segment, bad option, server unreachable); it never throws or rejects.
   * A call made through the async queue stub before embed.js has loaded
   * returns what the stub returns, nothing, and runs once it has.
   */
  (options: AdactOptions | string): Promise<AdactCampaign | null>;
  /** The calls the async queue stub keeps until embed.js has loaded. */
  q?: IArguments[];
}

declare global {
  /** Defined by embed.js as soon as it runs. */
  var renderAdact: RenderAdact;
}

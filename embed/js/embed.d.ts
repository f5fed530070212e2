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

/** What every event carries. */
export interface AdactEventBase {
  /** The campaign played. */
  campaignId: string;
  /** The play session: the same for every event of one render. */
  sessionId: string;
}

/** The player registered in this campaign for the first time. */
export interface AdactPlayerCreated extends AdactEventBase {
  type: "player.created";
  playerId: string;
}

/** A known player registered again. */
export interface AdactPlayerUpdated extends AdactEventBase {
  type: "player.updated";
  playerId: string;
}

/** The game step finished: the wheel stopped, the card was scratched, the box opened, the quiz answered. */
export interface AdactGameEnded extends AdactEventBase {
  type: "game.ended";
  playId: string;
  /** The prize won, by name; absent when the outcome is "no prize". */
  prize?: string;
}

/** A prize was won and its code issued. */
export interface AdactPrizeAssigned extends AdactEventBase {
  type: "prize.assigned";
  /** The prize's name. */
  prize: string;
  code: string;
}

/** The player reached the end screen. */
export interface AdactGameplayFinished extends AdactEventBase {
  type: "gameplay.finished";
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

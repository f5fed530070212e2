// A typed front-end's use of renderAdact, checked by `tsc -p tests/types`
// (part of `npm test`). Each @ts-expect-error line must be an error: the
// declarations catch that mistake.
import type { AdactCampaign, AdactEvent } from "../../embed/js/embed";

const seen: string[] = [];

function onEvent(event: AdactEvent): void {
  seen.push(event.id, event.timestamp, String(event.version));
  switch (event.type) {
    case "player.created":
    case "player.updated":
      seen.push(event.data.player?.id ?? "", event.data.player?.consent.text ?? "not asked");
      break;
    case "game.ended":
      seen.push(event.data.play.id, event.data.outcome.prize?.name ?? "no prize");
      // @ts-expect-error: only prize.assigned carries the prize beside the outcome
      seen.push(event.data.prize.code);
      break;
    case "prize.assigned":
      seen.push(event.data.prize.name, event.data.prize.code ?? "no code");
      // @ts-expect-error: a code may be null
      seen.push(event.data.prize.code);
      break;
    case "gameplay.finished":
      seen.push(event.data.campaign.id, event.data.segment.title ?? "deleted");
      break;
    default: {
      // Every type is handled above.
      const never: never = event;
      seen.push(never);
    }
  }
}

async function show(): Promise<void> {
  const campaign: AdactCampaign | null = await window.renderAdact({
    segment: "Default Users",
    container: "#promo",
    user: { id: 42, email: "ada@example.com", name: "Ada" },
    userToken: "eyJhbGciOiJIUzI1NiJ9.e30.signature",
    locale: "de-AT",
    onEvent,
  });
  if (campaign) {
    seen.push(campaign.campaignId, campaign.segment);
    campaign.destroy();
  }
  const byTitle = await renderAdact("Default Users");
  byTitle?.destroy();
  await renderAdact({ segment: "Default Users", container: document.body });

  // @ts-expect-error: segment is required
  await renderAdact({ container: "#promo" });
  // @ts-expect-error: a segment is a title, not a number
  await renderAdact(42);
  // @ts-expect-error: options are spelt as documented
  await renderAdact({ segment: "Default Users", onevent: onEvent });
  // @ts-expect-error: userToken is the signed token, a string
  await renderAdact({ segment: "Default Users", userToken: { sub: "42" } });
  // @ts-expect-error: the handle's id is read-only
  if (campaign) campaign.campaignId = "cmp_other";
}

// The async queue stub's calls, as the page keeps them.
const queued: IArguments[] = window.renderAdact.q ?? [];
seen.push(String(queued.length));

void show();

/*
 * The SE5 card's form that registers a stranger as a visitor (administrators only), loaded by
 * the card on first use. It calls `se5.register_person` with the recognition's own face and a
 * time today (tomorrow once it has passed), a time without a zone, which Home Assistant reads
 * in its own zone: "today" is therefore Home Assistant's day, whatever the browser's zone.
 */

export const STYLE = `
  li.register-row { display: block; padding: 0; border-top: none; }
  .register-form { display: flex; flex-wrap: wrap; align-items: center; gap: 6px;
    padding: 0 16px 8px 76px; }
  .register-form input { font: inherit; padding: 4px 6px; border-radius: 4px; min-width: 0;
    border: 1px solid var(--divider-color); background: var(--card-background-color);
    color: var(--primary-text-color); }
  .register-form input[name="name"] { flex: 1 1 120px; }
  .register-form button { font: inherit; padding: 4px 10px; border-radius: 4px; border: none;
    cursor: pointer; background: var(--primary-color); color: var(--text-primary-color, #fff); }
  .register-status { padding: 0 16px 8px 76px; font-size: 0.875em;
    color: var(--secondary-text-color); }
  .register-status.error { color: var(--error-color, #db4437); }
`;

export function registerRow(card, item, register) {
  const row = document.createElement("li");
  row.className = "register-row";
  row.dataset.for = item.id;
  if (register.done || register.error) {
    const status = document.createElement("div");
    status.className = register.error ? "register-status error" : "register-status";
    status.textContent = register.error || `${card._word("card_register_done")}: ${register.done}`;
    row.appendChild(status);
    if (!register.error) {
      return row;
    }
  }
  const form = document.createElement("form");
  form.className = "register-form";
  const name = document.createElement("input");
  name.name = "name";
  name.required = true;
  name.maxLength = 64;
  name.placeholder = card._word("card_register_name");
  name.setAttribute("aria-label", card._word("card_register_name"));
  name.value = register.name;
  name.addEventListener("input", () => (register.name = name.value));
  const until = document.createElement("input");
  until.name = "until";
  until.type = "time";
  until.value = register.until;
  until.title = card._word("card_register_until");
  until.setAttribute("aria-label", card._word("card_register_until"));
  until.addEventListener("input", () => (register.until = until.value));
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.disabled = Boolean(register.busy);
  submit.textContent = card._word("card_register");
  form.append(name, until, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    registerVisitor(card, item, register);
  });
  row.appendChild(form);
  return row;
}

async function registerVisitor(card, item, register) {
  const name = (register.name || "").trim();
  if (!name || register.busy) return;
  register.busy = true;
  register.error = undefined;
  card._renderAll();
  try {
    const result = await card.hass.callWS({
      type: "call_service",
      domain: "se5",
      service: "register_person",
      service_data: {
        config_entry_id: item.entry_id,
        name,
        person_type: "visitor",
        recognition_id: item.id,
        valid_until: untilToday(register.until || "23:59", card.hass.config?.time_zone),
      },
      return_response: true,
    });
    const response = (result && result.response) || {};
    register.done = `${name} (${response.identity_id || ""})`;
  } catch (err) {
    register.error = (err && err.message) || String(err);
  } finally {
    register.busy = false;
    card._renderAll(); // the cards on the page now (Home Assistant may have built them anew)
  }
}

function untilToday(time, timeZone) {
  // Today at that time in `timeZone` (Home Assistant's), or tomorrow once it has passed there.
  const [hours, minutes] = time.split(":").map(Number);
  const now = nowIn(timeZone);
  const day = new Date(Date.UTC(now.year, now.month - 1, now.day));
  if ((hours || 0) * 60 + (minutes || 0) <= now.hour * 60 + now.minute) {
    day.setUTCDate(day.getUTCDate() + 1);
  }
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())} ` +
    `${pad(hours || 0)}:${pad(minutes || 0)}:00`;
}

function nowIn(timeZone) {
  // The date and time of day now in a zone (the browser's own when none is given).
  const fields = {
    hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric",
  };
  let format;
  try {
    format = new Intl.DateTimeFormat("en-US", { ...fields, timeZone });
  } catch (_err) {
    format = new Intl.DateTimeFormat("en-US", fields); // a zone this browser does not know
  }
  const parts = {};
  for (const part of format.formatToParts(new Date())) parts[part.type] = Number(part.value);
  return { ...parts, hour: parts.hour % 24 };
}

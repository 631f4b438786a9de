/*
 * The SE5 card's form that registers a stranger as a visitor (administrators only), loaded by
 * the card on first use. It calls `se5.register_person` with the recognition's own face and a
 * time today (tomorrow once it has passed), a local time that Home Assistant reads in its zone.
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
        valid_until: untilToday(register.until || "23:59"),
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

function untilToday(time) {
  // Today at that time, or tomorrow once it has passed; a local time without a zone.
  const [hours, minutes] = time.split(":").map(Number);
  const when = new Date();
  when.setHours(hours || 0, minutes || 0, 0, 0);
  if (when <= new Date()) when.setDate(when.getDate() + 1);
  const pad = (n) => String(n).padStart(2, "0");
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ` +
    `${pad(when.getHours())}:${pad(when.getMinutes())}:00`;
}

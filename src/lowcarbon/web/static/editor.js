// The guided model editor (footprint/templates/editor.html): rows added and removed, factors found as the user
// types, the model's fields sent for a preview a moment after each change, problems shown on their fields, and the
// model saved as a new version. Each input's place in the model (footprint.form) is made from where it stands: its
// data-key below the list items (data-item) of the lists (data-list) it is in.
(function () {
  "use strict";
  const form = document.getElementById("editor-form");
  if (!form) return;
  const csrf = form.dataset.csrf;
  const filesFrom = form.dataset.filesFrom ? Number(form.dataset.filesFrom) : null;
  const DELAY = 350; // ms of quiet before a preview
  let timer = null;
  let asked = 0; // the newest preview asked for: older answers are dropped

  function join(prefix, key) {
    if (!prefix) return key;
    return key.startsWith("[") ? prefix + key : prefix + "." + key;
  }

  function valueOf(input) {
    if (input.type === "checkbox") return input.checked ? "true" : "";
    return input.value;
  }

  // The fields [place, text] of everything below `node`, in the page's order; each input learns its place.
  function collect(node, prefix, out) {
    for (const element of node.children) {
      if (element.tagName === "TEMPLATE") continue;
      if (element.hasAttribute("data-list")) {
        const list = join(prefix, element.dataset.list);
        let index = 0;
        for (const item of element.children) {
          if (!item.hasAttribute("data-item")) continue;
          const place = list + "[" + index + "]";
          item.dataset.place = place;
          collect(item, place, out);
          index += 1;
        }
      } else if (element.hasAttribute("data-map")) {
        const map = join(prefix, element.dataset.map);
        for (const item of element.children) {
          if (!item.hasAttribute("data-item")) continue;
          const key = item.querySelector("[data-map-key]");
          const value = item.querySelector("[data-map-value]");
          const place = map + "[" + JSON.stringify(key.value) + "]";
          item.dataset.place = place;
          value.dataset.place = place;
          out.push([place, value.value]);
        }
      } else if (element.hasAttribute("data-key")) {
        const place = join(prefix, element.dataset.key);
        element.dataset.place = place;
        out.push([place, valueOf(element)]);
      } else if (element.hasAttribute("data-link")) {
        const kind = element.closest("[data-item]").querySelector("[data-link-kind]").value;
        const place = join(prefix, kind);
        element.dataset.place = place;
        out.push([place, element.value]);
      } else {
        collect(element, prefix, out);
      }
    }
    return out;
  }

  function fields() {
    return collect(form, "", []);
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
  }

  const state = document.getElementById("preview-state");
  const totalShown = document.getElementById("preview-total");
  const unitShown = document.getElementById("preview-unit");
  const stagesShown = document.querySelector("#preview-stages tbody");
  const problemsShown = document.getElementById("preview-problems");
  const yamlText = document.getElementById("yaml-text");

  function clearMarks() {
    for (const marked of form.querySelectorAll("[aria-invalid]")) marked.removeAttribute("aria-invalid");
    for (const note of form.querySelectorAll(".field-problem")) note.remove();
  }

  // The input (or row) a problem's place names: itself, else the nearest place above it.
  function target(place) {
    if (!place) return null;
    const placed = Array.from(form.querySelectorAll("[data-place]"));
    let best = null;
    for (const element of placed) {
      const at = element.dataset.place;
      if (at === place && (best === null || best.dataset.place !== place || element.matches("input, select"))) {
        best = element;
      } else if (place.startsWith(at) && /^[.[]/.test(place.slice(at.length))) {
        if (best === null || at.length > best.dataset.place.length) best = element;
      }
    }
    return best;
  }

  function mark(problem) {
    const element = target(problem.place);
    if (!element) return false;
    const note = document.createElement("span");
    note.className = "field-problem";
    note.textContent = problem.text;
    if (element.matches("input, select")) {
      element.setAttribute("aria-invalid", "true");
      const holder = element.closest("label, td") || element.parentElement;
      holder.appendChild(note);
    } else {
      const cell = element.querySelector("td, legend, .fields") || element;
      element.setAttribute("aria-invalid", "true");
      cell.appendChild(note);
    }
    return true;
  }

  function show(answer) {
    clearMarks();
    stagesShown.textContent = "";
    problemsShown.textContent = "";
    if (yamlText) yamlText.value = answer.model;
    if (answer.total_text !== null) {
      totalShown.textContent = answer.total_text;
      unitShown.textContent = answer.unit || "";
      state.textContent = state.dataset.ok;
      form.dataset.total = String(answer.total);
      for (const stage of answer.by_stage) {
        const row = stagesShown.insertRow();
        row.insertCell().textContent = stage.name;
        const cell = row.insertCell();
        cell.className = "num";
        cell.textContent = stage.text;
      }
    } else {
      totalShown.textContent = "–";
      unitShown.textContent = "";
      form.dataset.total = "";
      state.textContent = state.dataset.problems;
    }
    for (const problem of answer.problems) {
      mark(problem);
      const item = document.createElement("li");
      if (problem.place) {
        const code = document.createElement("code");
        code.textContent = problem.place;
        item.appendChild(code);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(problem.text));
      problemsShown.appendChild(item);
    }
    document.getElementById("preview").dataset.state = answer.total_text !== null ? "ok" : "problems";
  }

  async function preview() {
    const number = ++asked;
    state.textContent = state.dataset.checking;
    document.getElementById("preview").dataset.state = "checking";
    try {
      const response = await send(form.dataset.preview, { fields: fields(), files_from: filesFrom });
      if (number !== asked) return;
      if (!response.ok) throw new Error(String(response.status));
      show(await response.json());
    } catch (error) {
      if (number === asked) {
        state.textContent = state.dataset.failed;
        document.getElementById("preview").dataset.state = "failed";
      }
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(preview, DELAY);
  }

  // Rows: the add buttons clone their list's template; the remove buttons take their list item away.
  form.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add]");
    if (add) {
      const scope = add.parentElement.closest("[data-item]") || form;
      const name = add.dataset.add;
      const list = scope.querySelector('[data-list="' + name + '"], [data-map="' + name + '"]');
      const template = document.getElementById(list.dataset.template);
      const copy = template.content.firstElementChild.cloneNode(true);
      list.appendChild(copy);
      const first = copy.querySelector("input[type=text], select");
      if (first) first.focus();
      later();
      return;
    }
    const remove = event.target.closest("[data-remove]");
    if (remove) {
      const item = remove.closest("[data-item]");
      if (item) item.remove();
      later();
    }
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);

  // The factor chooser: words typed into a factor's field find factors (GET /api/factors); a click takes one.
  let searching = null;
  let searched = 0;
  function choices(input) {
    return input.parentElement.querySelector(".choices");
  }
  function close(input) {
    const list = choices(input);
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
  }
  function choose(input, key) {
    input.value = key;
    close(input);
    later();
  }
  async function search(input) {
    const number = ++searched;
    const words = input.value.trim();
    if (!words) return close(input);
    const response = await fetch("/api/factors?limit=8&q=" + encodeURIComponent(words), { credentials: "same-origin" });
    if (number !== searched || !response.ok) return;
    const found = (await response.json()).items;
    const list = choices(input);
    list.textContent = "";
    for (const factor of found) {
      const option = document.createElement("li");
      option.setAttribute("role", "option");
      option.dataset.factor = factor.key;
      const key = document.createElement("code");
      key.textContent = factor.key;
      option.appendChild(key);
      const name = document.createElement("span");
      name.textContent = " " + (document.documentElement.lang === "zh-CN" && factor.name_zh ? factor.name_zh : factor.name);
      name.textContent += " (" + factor.unit + ")";
      option.appendChild(name);
      list.appendChild(option);
    }
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
  }
  form.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.matches("[data-link]")) return;
    const kind = input.closest("[data-item]").querySelector("[data-link-kind]").value;
    if (kind !== "factor") return;
    clearTimeout(searching);
    searching = setTimeout(function () { search(input); }, 250);
  });
  form.addEventListener("mousedown", function (event) {
    const option = event.target.closest(".choices [role=option]");
    if (!option) return;
    event.preventDefault();
    choose(option.closest(".chooser").querySelector("[data-link]"), option.dataset.factor);
  });
  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!input.matches("[data-link]")) return;
    const list = choices(input);
    if (list.hidden) return;
    const options = Array.from(list.children);
    let at = options.findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      at = event.key === "ArrowDown" ? Math.min(at + 1, options.length - 1) : Math.max(at - 1, 0);
      options.forEach(function (option, index) { option.setAttribute("aria-selected", index === at ? "true" : "false"); });
    } else if (event.key === "Enter" && at >= 0) {
      event.preventDefault();
      choose(input, options[at].dataset.factor);
    } else if (event.key === "Escape") {
      close(input);
    }
  });
  form.addEventListener("focusout", function (event) {
    if (event.target.matches("[data-link]")) setTimeout(function () { close(event.target); }, 150);
  });

  // Save: the fields as the product's next version; then its study page.
  const saveButton = document.getElementById("save");
  const saveError = document.getElementById("save-error");
  saveButton.addEventListener("click", async function () {
    const label = saveButton.textContent;
    saveButton.disabled = true;
    saveButton.textContent = saveButton.dataset.saving;
    saveError.hidden = true;
    try {
      const response = await send(form.dataset.save, { fields: fields(), files_from: filesFrom });
      if (response.status === 202) {
        const study = await response.json();
        window.location.assign("/studies/" + study.id);
        return;
      }
      saveError.textContent = saveError.dataset.text;
      saveError.hidden = false;
      preview();
    } catch (error) {
      saveError.textContent = saveError.dataset.text;
      saveError.hidden = false;
    }
    saveButton.disabled = false;
    saveButton.textContent = label;
  });

  // Tabs: the form, or the same model as YAML (filled by each preview).
  const layout = document.querySelector(".editor-layout");
  const yaml = document.getElementById("editor-yaml");
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      const onYaml = tab.dataset.tab === "editor-yaml";
      layout.hidden = onYaml;
      yaml.hidden = !onYaml;
      for (const other of document.querySelectorAll("[data-tab]")) {
        const active = other === tab;
        other.classList.toggle("active", active);
        other.setAttribute("aria-selected", active ? "true" : "false");
      }
    });
  }

  preview();
})();

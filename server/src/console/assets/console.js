// Juanzong Sync web console: keyboard use of the check page, extra rows, printing and reading a
// calendar file. Pages work without this script, which only saves the clerk's hands.
"use strict";

(function () {
  // Returns a version 4 UUID. crypto.randomUUID exists only on HTTPS or localhost, and court
  // servers are often reached over plain HTTP on the court network, where getRandomValues exists.
  function uuid() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("li.item"));
  }

  // Marks the item with its chosen result, so the stylesheet shows the fields that result needs.
  function showResult(item) {
    var checked = item.querySelector("input[type=radio]:checked");
    item.dataset.result = checked ? checked.value : "";
  }

  function choose(item, key) {
    var radio = item.querySelector("input[type=radio][data-key='" + key + "']");
    if (!radio) {
      return;
    }
    radio.checked = true;
    showResult(item);
    if (radio.value === "page_mismatch") {
      item.querySelector("input.pages").focus();
    } else if (radio.value === "rejected") {
      item.querySelector("select").focus();
    } else {
      move(item, 1);
    }
  }

  function move(item, step) {
    var list = items();
    var next = list[list.indexOf(item) + step];
    if (next) {
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    } else if (step > 0) {
      var extra = document.querySelector("#extras input[type=text]");
      if (extra) {
        extra.focus();
      }
    }
  }

  function setUpCheckPage(form) {
    items().forEach(function (item) {
      showResult(item);
      item.addEventListener("change", function () {
        showResult(item);
      });
    });

    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      var target = event.target;
      var item = target.closest ? target.closest("li.item") : null;
      if (!item) {
        return;
      }
      var typing = target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
        (target.tagName === "INPUT" && target.type !== "radio");
      if (typing) {
        if (event.key === "Escape" || (event.key === "Enter" && target.tagName === "INPUT")) {
          event.preventDefault();
          move(item, event.key === "Enter" ? 1 : 0);
          if (event.key === "Escape") {
            item.focus();
          }
        }
        return;
      }
      if (event.key >= "1" && event.key <= "4") {
        event.preventDefault();
        choose(item, event.key);
      } else if (event.key === "ArrowDown" || event.key === "j") {
        event.preventDefault();
        move(item, 1);
      } else if (event.key === "ArrowUp" || event.key === "k") {
        event.preventDefault();
        move(item, -1);
      }
    });

    var add = document.getElementById("add-extra");
    if (add) {
      add.addEventListener("click", function () {
        var rows = document.querySelectorAll("#extras tr.extra-row");
        var last = rows[rows.length - 1];
        var index = rows.length;
        var copy = last.cloneNode(true);
        copy.querySelectorAll("input, select").forEach(function (field) {
          field.name = field.name.replace(/_\d+$/, "_" + index);
          if (field.type === "hidden") {
            field.value = uuid();
          } else if (field.tagName === "SELECT") {
            field.selectedIndex = 0;
          } else {
            field.value = "";
          }
          if (field.getAttribute("aria-label")) {
            field.setAttribute("aria-label", field.getAttribute("aria-label").replace(/\d+/, index + 1));
          }
        });
        last.parentNode.appendChild(copy);
        form.querySelector("input[name=extra_rows]").value = index + 1;
        copy.querySelector("input[type=text]").focus();
      });
    }

    var first = items()[0];
    if (first && !document.getElementById("form-error")) {
      first.focus();
    }
  }

  function setUpCalendarFile() {
    var file = document.getElementById("calendar-file");
    if (!file) {
      return;
    }
    file.addEventListener("change", function () {
      var chosen = file.files[0];
      if (!chosen) {
        return;
      }
      var form = file.form;
      form.querySelector("input[name=name]").value = chosen.name;
      chosen.text().then(function (text) {
        form.querySelector("textarea[name=content]").value = text;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("check-form");
    if (form) {
      setUpCheckPage(form);
    }
    setUpCalendarFile();
    document.querySelectorAll("[data-action=print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();

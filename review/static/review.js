// papersurvey review: keyboard shortcuts. Every action is also a plain form
// button or link, so the UI works without this script.
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" && el.type !== "checkbox" && el.type !== "radio" ||
      tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); return true; }
    return false;
  }

  function go(attr) {
    var item = document.getElementById("item");
    var url = item && item.getAttribute(attr);
    if (url) { window.location.href = url; return true; }
    return false;
  }

  function toggleHelp() {
    var help = document.getElementById("help");
    if (!help) return;
    if (help.open) help.close(); else help.showModal();
  }

  function selection(form) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name=value]:checked"), function (i) { return i.value; }
    ).join(" ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var opener = document.getElementById("help-open");
    if (opener) opener.addEventListener("click", toggleHelp);
    var form = document.getElementById("decide");
    var initial = form ? selection(form) : "";
    var text = document.getElementById("text");

    // A transcription: the draft (or the saved answer) is selected, so typing
    // replaces it and an arrow key starts correcting it. Only this script
    // focuses the box: an autofocus attribute would be applied at the first
    // rendered frame, and take the box back from an operator who pressed Esc
    // before it.
    if (text) {
      text.focus();
      text.select();
      text.addEventListener("keydown", function (ev) {
        if (ev.isComposing) return;
        if (ev.key === "Enter" && !ev.shiftKey && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
          ev.preventDefault();
          click("save");
        } else if (ev.key === "Escape") {
          ev.preventDefault();
          text.blur();
        }
      });
    }

    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
      if (typing(ev.target)) return;  // typing a code or a text in a form: no shortcuts
      var help = document.getElementById("help");
      if (ev.key === "?") { ev.preventDefault(); toggleHelp(); return; }
      if (help && help.open) return;  // the dialog handles Esc itself
      var item = document.getElementById("item");
      if (!item) return;
      var done = false;
      switch (ev.key) {
        case "ArrowLeft": case "k": case "K": done = go("data-prev"); break;
        case "ArrowRight": case "j": case "J": done = go("data-next"); break;
      }
      if (!done && text && item.getAttribute("data-kind") === "text") {
        switch (ev.key) {
          case "Enter": done = click("save"); break;
          case "o": case "O": done = click("illegible"); break;
          case "e": case "E":  // back into the text box, at the end
            text.focus();
            text.setSelectionRange(text.value.length, text.value.length);
            done = true;
            break;
          case "Backspace": case "Delete": done = click("empty"); break;
        }
      }
      if (!done && form && item.getAttribute("data-kind") === "question") {
        var multiple = item.getAttribute("data-multiple") === "true";
        if (/^[0-9]$/.test(ev.key)) {
          var choice = form.querySelector('.choice[data-key="' + ev.key + '"]');
          if (choice) {
            if (multiple) {
              var box = choice.querySelector("input");
              box.checked = !box.checked;
              choice.parentNode.classList.toggle("chosen", box.checked);
            } else {
              choice.click();
            }
            done = true;
          }
        } else if (ev.key === "Enter") {
          done = multiple && selection(form) !== initial ? click("save") : click("confirm") || click("save");
        } else if (ev.key === "Backspace" || ev.key === "Delete") {
          done = click("none");
        }
      }
      if (done) ev.preventDefault();
    });

    var boxes = form ? form.querySelectorAll("input[type=checkbox][name=value]") : [];
    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", function () {
        box.closest("li").classList.toggle("chosen", box.checked);
      });
    });
  });
})();

// A form that only carries the user on (the hand-off to the procurement system): sent at once.
// Without JavaScript the page shows its button, and one click does the same.
export default function autoSubmit(form) {
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  HTMLFormElement.prototype.submit.call(form);
}

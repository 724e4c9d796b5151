// Shows 密码强度 弱/中/强 as the user types. Mirrors yibao.core.validators.passwords.password_strength:
// length counts code points; classes = lower, upper, digit, ASCII symbol (other characters count
// for none); weak if length < 8 or one class at most; strong if three classes or more and
// length >= 10; medium otherwise.
const LABELS = ["弱", "中", "强"];

export function strength(password) {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[!-\/:-@\[-`{-~]/].filter((re) => re.test(password)).length;
  const length = Array.from(password).length;
  if (length < 8 || classes <= 1) return 0;
  if (classes >= 3 && length >= 10) return 2;
  return 1;
}

export default function passwordStrength(meter) {
  const input = document.getElementById(meter.dataset.for);
  const label = meter.querySelector("[data-strength-label]");
  if (!input || !label) return;
  meter.hidden = false;
  const update = () => {
    if (!input.value) {
      meter.dataset.score = "";
      label.textContent = "未填写";
      return;
    }
    const score = strength(input.value);
    meter.dataset.score = String(score);
    label.textContent = LABELS[score];
  };
  input.addEventListener("input", update);
  update();
}

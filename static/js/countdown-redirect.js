// 前往登录 (N): counts down, then follows the link.
export default function countdownRedirect(link) {
  let left = Number(link.dataset.seconds || 5);
  const number = link.querySelector("[data-countdown]");
  const tick = () => {
    if (number) number.textContent = String(left);
    if (left <= 0) {
      window.location.assign(link.href);
      return;
    }
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

// 发送验证码: after a code was sent, the button waits (重新发送 N 秒) before it can send again.
export default function smsCountdown(button) {
  let left = Number(button.dataset.wait || 0);
  const label = button.textContent;
  if (left <= 0) return;
  button.disabled = true;
  const tick = () => {
    if (left <= 0) {
      button.disabled = false;
      button.textContent = label;
      return;
    }
    button.textContent = `重新发送（${left}秒）`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

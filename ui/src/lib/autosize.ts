// A textarea that grows with its text (up to a limit), so that a whole
// section of a talk track is visible while it is edited. Sizes are set
// through the CSSOM, which the content security policy allows.
export function autosize(node: HTMLTextAreaElement, _value?: string) {
  const fit = () => {
    if (node.scrollHeight === 0) return; // not laid out (hidden, or a test DOM)
    node.style.height = "auto";
    const border = node.offsetHeight - node.clientHeight;
    node.style.height = `${Math.min(node.scrollHeight + border, 480)}px`;
  };
  node.addEventListener("input", fit);
  queueMicrotask(fit);
  return {
    update() {
      queueMicrotask(fit);
    },
    destroy() {
      node.removeEventListener("input", fit);
    },
  };
}

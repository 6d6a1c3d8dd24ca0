export type CheckoutStep = "shipping" | "review";

const STEPS: { id: CheckoutStep | "done"; label: string }[] = [
  { id: "shipping", label: "Shipping" },
  { id: "review", label: "Review" },
  { id: "done", label: "Order placed" },
];

export function CheckoutSteps({ current }: { current: CheckoutStep }) {
  const index = STEPS.findIndex((s) => s.id === current);
  return (
    <ol aria-label="Checkout steps" className="mb-6 flex gap-2 text-sm">
      {STEPS.map((step, i) => (
        <li
          key={step.id}
          aria-current={i === index ? "step" : undefined}
          className={`flex-1 rounded-md border px-3 py-2 text-center ${
            i === index ? "border-brand-600 bg-brand-50 font-semibold text-brand-900" : i < index ? "border-slate-300 bg-white text-slate-700" : "border-slate-200 text-slate-500"
          }`}
        >
          <span className="sr-only">Step {i + 1}: </span>
          {step.label}
        </li>
      ))}
    </ol>
  );
}

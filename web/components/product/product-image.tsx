interface ProductImageProps {
  src: string | null;
  alt: string;
  className?: string;
  priority?: boolean;
}

/** Product photos come from /media at run time; a product without one gets a labelled placeholder. */
export function ProductImage({ src, alt, className = "", priority = false }: ProductImageProps) {
  if (!src) {
    return (
      <div
        role="img"
        aria-label={`${alt} (no photo yet)`}
        className={`flex aspect-square items-center justify-center bg-slate-100 text-sm text-slate-500 ${className}`}
      >
        No photo
      </div>
    );
  }
  return (
    <img
      src={src}
      alt={alt}
      width={600}
      height={600}
      loading={priority ? "eager" : "lazy"}
      decoding="async"
      className={`aspect-square w-full bg-slate-100 object-cover ${className}`}
    />
  );
}

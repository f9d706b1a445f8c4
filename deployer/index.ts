// placeholder: replaced by its part
export {};

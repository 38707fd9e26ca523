# sw/ model side (weights, tokenizer, encoder, hadrun): rules added here.
